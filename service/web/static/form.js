/* 救助 Jiuzhu — a task's form drawn from the field list its diagram declares (<jiuzhu:form><jiuzhu:field …/>),
   as GET /api/v1/tasks/{id} returns it in `form`. No form is written per task: a field added to a deployed
   diagram appears here. Types: boolean, integer, number, string, text, enum, date, list, attendees, map, document. */
(function () {
  "use strict";
  const { el } = window.Jiuzhu;

  // option codes the diagrams use, in Chinese; a label that spells its options ("A 每年、B 每半年") wins
  const OPTIONS = {
    pass: "通过", fail: "不通过", support: "同意", oppose: "不同意", agree: "同意", correct: "纠正", revoke: "撤销",
    centralised: "集中供养", dispersed: "分散供养", consistent: "与档案一致", rectify: "责令整改", reinvestigate: "重新调查",
    wrongly_refused: "错误拒绝，应予纳入", continue: "继续享受", adjust: "调整金额", stop: "停止救助",
    coordination_group: "协调小组成员", caseworker: "社会救助经办人员", discipline: "纪委工作人员",
    village_committee: "村（居）委会成员", resident_rep: "村（居）民代表", county_staff: "县级民政部门工作人员",
    dismiss: "不予受理", recheck: "启动复核", spot_check: "转抽查", medical: "医疗救助", education: "教育救助",
    housing: "住房救助", employment: "就业救助", charity: "慈善帮扶", A: "A 类", B: "B 类", C: "C 类",
  };
  const DOCUMENT_KINDS = {
    application: "申请材料", home_visit_record: "入户调查表", appraisal_record: "评议记录", meeting_minutes: "会议纪要",
    other: "其他材料",
  };

  /** Option labels spelt in the field's label ("（A 每年、B 每半年、C …）"): code → words, and the label without them. */
  function spelt(field) {
    const options = field.options || [];
    const found = {};
    let label = field.label || field.name;
    const open = label.search(/[（(]/);
    if (open >= 0 && options.length) {
      const inner = label.slice(open + 1).replace(/[）)]\s*$/, "");
      for (const part of inner.split(/[、，,；;]/)) {
        const m = part.trim().match(/^([A-Za-z_][\w]*)\s+(.+)$/);
        if (m && options.includes(m[1])) found[m[1]] = m[2].trim();
      }
      if (Object.keys(found).length === options.length) label = label.slice(0, open).trim();
    }
    return { label, names: found };
  }

  function optionName(field, names, code) {
    if (names[code]) return names[code];
    return OPTIONS[code] ? `${OPTIONS[code]}` : code;
  }

  // --- required_when: the diagram's expression, evaluated as the server does (missing value → not required) ---
  function tokens(text) {
    const out = [];
    const re = /\s*(?:(\d+(?:\.\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(==|!=|<=|>=|<|>|\(|\))|([A-Za-z_]\w*))/y;
    let m;
    while (re.lastIndex < text.length && (m = re.exec(text))) {
      if (m[1]) out.push({ t: "v", v: Number(m[1]) });
      else if (m[2]) out.push({ t: "v", v: m[2].slice(1, -1) });
      else if (m[3]) out.push({ t: "op", v: m[3] });
      else if (["and", "or", "not", "in"].includes(m[4])) out.push({ t: "op", v: m[4] });
      else if (m[4] === "True" || m[4] === "False" || m[4] === "None") out.push({ t: "v", v: m[4] === "True" ? true : m[4] === "False" ? false : null });
      else out.push({ t: "id", v: m[4] });
    }
    if (re.lastIndex < text.trim().length && text.slice(re.lastIndex).trim()) throw new Error("unparsed");
    return out;
  }

  function evaluate(text, values) {
    const ts = tokens(text);
    let i = 0;
    const peek = () => ts[i], take = () => ts[i++];
    function atom() {
      const t = take();
      if (!t) throw new Error("end");
      if (t.t === "v") return t.v;
      if (t.t === "id") { if (!(t.v in values)) throw new Error("missing " + t.v); return values[t.v]; }
      if (t.v === "(") { const v = or(); take(); return v; }
      throw new Error("unexpected " + t.v);
    }
    function compare() {
      let left = atom();
      while (peek() && ["==", "!=", "<", ">", "<=", ">="].includes(peek().v)) {
        const op = take().v, right = atom();
        left = { "==": left === right, "!=": left !== right, "<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right }[op];
      }
      return left;
    }
    function not() { if (peek() && peek().v === "not") { take(); return !not(); } return compare(); }
    function and() { let v = not(); while (peek() && peek().v === "and") { take(); const r = not(); v = v && r; } return v; }
    function or() { let v = and(); while (peek() && peek().v === "or") { take(); const r = and(); v = v || r; } return v; }
    const value = or();
    if (i < ts.length) throw new Error("trailing");
    return Boolean(value);
  }

  /** true, false, or null when the expression is beyond this small reader (then the field always shows). */
  function requiredNow(field, values) {
    if (!field.required_when) return Boolean(field.required);
    try { return evaluate(field.required_when, values); } catch (e) { return /^missing /.test(e.message) ? false : null; }
  }

  // --- the server's English field messages, in Chinese ---
  const MESSAGES = [
    [/^field required$/, () => "此项必填"],
    [/^at least (\d+) different people required \(got (\d+)\)$/, (m) => `至少需要 ${m[1]} 位不同人员（现有 ${m[2]} 位）`],
    [/^at least (\d+) required(?: \(got (\d+)\))?$/, (m) => `至少需要 ${m[1]} 项` + (m[2] ? `（现有 ${m[2]} 项）` : "")],
    [/^must be a number$/, () => "须为数字"], [/^must be a whole number$/, () => "须为整数"],
    [/^must be at least (\S+)$/, (m) => `不能小于 ${m[1]}`], [/^must be at most (\S+)$/, (m) => `不能大于 ${m[1]}`],
    [/^must be greater than (\S+)$/, (m) => `须大于 ${m[1]}`], [/^must be true or false$/, () => "请选择“是”或“否”"],
    [/^must be a date YYYY-MM-DD$/, () => "须为日期（年-月-日）"], [/^must be one of/, () => "须为给定选项之一"],
    [/^(?:item|attendee) (\d+) repeats an earlier one/, (m) => `第 ${m[1]} 项与前面的重复（姓名不计空格与全半角）`],
    [/^at most (\d+) characters$/, (m) => `不能超过 ${m[1]} 个字`], [/^unexpected field/, () => "表单中没有此字段"],
    [/^each item must be a non-empty text/, () => "每一项都须填写"], [/^each attendee is/, () => "每位参会人员须填写姓名并选择身份"],
    [/^document (\S+) not found/, () => "文件不存在，请重新上传"],
  ];

  function inChinese(field, msg) {
    let text = String(msg || "");
    if (field && field.label && text.startsWith(field.label + ": ")) text = text.slice(field.label.length + 2);
    for (const [re, say] of MESSAGES) { const m = text.match(re); if (m) return say(m); }
    return text;
  }

  // --- the controls ---
  function textInput(attrs) { return el("input", Object.assign({ type: "text", autocomplete: "off" }, attrs)); }

  function listControl(field, names) {
    const box = el("div", { class: "list-items" });
    const multi = (field.options || []).length > 0;
    if (multi) {
      for (const o of field.options) box.append(el("label", { class: "check" }, el("input", { type: "checkbox", value: o }), optionName(field, names, o)));
      return { node: box, value: () => [...box.querySelectorAll("input:checked")].map((i) => i.value) };
    }
    const add = () => box.insertBefore(el("div", { class: "item" }, textInput({ maxlength: 200, placeholder: "姓名或内容" }),
      el("button", { type: "button", class: "btn small", title: "删除此项", onclick: (e) => e.target.closest(".item").remove() }, "×")), more);
    const more = el("button", { type: "button", class: "btn small add-item", onclick: add }, "＋ 添加一项");
    box.append(more);
    for (let n = 0; n < Math.max(1, field.min_items || 1); n++) add();
    return { node: box, value: () => [...box.querySelectorAll(".item input")].map((i) => i.value.trim()).filter(Boolean) };
  }

  function attendeesControl(field, names) {
    const box = el("div", { class: "list-items attendees" });
    const add = () => box.insertBefore(el("div", { class: "item" }, textInput({ maxlength: 200, placeholder: "姓名", class: "who" }),
      el("select", { class: "role" }, el("option", { value: "" }, "选择身份"), (field.options || []).map((o) => el("option", { value: o }, optionName(field, names, o)))),
      el("button", { type: "button", class: "btn small", title: "删除此人", onclick: (e) => e.target.closest(".item").remove() }, "×")), more);
    const more = el("button", { type: "button", class: "btn small add-item", onclick: add }, "＋ 添加参会人员");
    box.append(more);
    for (let n = 0; n < Math.max(1, field.min_items || 1); n++) add();
    return { node: box, value: () => [...box.querySelectorAll(".item")].map((row) => ({ name: row.querySelector(".who").value.trim(), role: row.querySelector(".role").value }))
      .filter((a) => a.name || a.role) };
  }

  function mapControl(field, names) {
    const box = el("div", { class: "list-items map" });
    const value = () => (field.options || []).length
      ? el("select", { class: "val" }, el("option", { value: "" }, "请选择"), field.options.map((o) => el("option", { value: o }, optionName(field, names, o))))
      : textInput({ class: "val", maxlength: 1000 });
    const add = () => box.insertBefore(el("div", { class: "item" }, textInput({ class: "key", maxlength: 40, placeholder: "案件编号" }), value(),
      el("button", { type: "button", class: "btn small", onclick: (e) => e.target.closest(".item").remove() }, "×")), more);
    const more = el("button", { type: "button", class: "btn small add-item", onclick: add }, "＋ 添加一项");
    box.append(more);
    add();
    return { node: box, value: () => Object.fromEntries([...box.querySelectorAll(".item")]
      .map((row) => [row.querySelector(".key").value.trim(), row.querySelector(".val").value.trim()]).filter(([k]) => k)) };
  }

  const ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

  /** A file input with Chinese words ("选择文件", the chosen name) instead of the browser's own. */
  function filePicker(attrs = {}) {
    const input = el("input", Object.assign({ type: "file", accept: ACCEPT, class: "file-input" }, attrs));
    const name = el("span", { class: "file-name hint", text: "未选择文件" });
    input.addEventListener("change", () => { name.textContent = input.files && input.files[0] ? input.files[0].name : "未选择文件"; });
    return { input, node: el("span", { class: "file-picker" }, el("label", { class: "btn small" }, input, "选择文件…"), name) };
  }

  function documentControl(field, options) {
    let uploaded = null;
    const status = el("span", { class: "hint doc-status", text: "尚未上传（PDF、JPG 或 PNG）" });
    const picker = filePicker({ "data-kind": field.kind || "" });
    const input = picker.input;
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      status.textContent = "正在上传…";
      try {
        uploaded = await options.upload(file, field.kind || "other");
        status.textContent = `已上传：${file.name}（${Math.ceil(uploaded.size / 1024)} KB，SHA-256 ${String(uploaded.sha256).slice(0, 12)}…）`;
        status.className = "hint doc-status ok";
        if (options.onUploaded) options.onUploaded(uploaded);
      } catch (error) {
        uploaded = null;
        status.textContent = "上传失败：" + window.Jiuzhu.describe(error).join("；");
        status.className = "hint doc-status bad";
      }
    });
    return { node: el("div", { class: "document" }, picker.node, status), value: () => (uploaded ? uploaded.id : null) };
  }

  function control(field, names, options) {
    const type = field.type;
    if (type === "boolean") {
      const group = "f-" + field.name;
      const node = el("div", { class: "radios" },
        el("label", {}, el("input", { type: "radio", name: group, value: "true" }), "是"),
        el("label", {}, el("input", { type: "radio", name: group, value: "false" }), "否"));
      return { node, value: () => { const c = node.querySelector("input:checked"); return c ? c.value === "true" : null; } };
    }
    if (type === "integer" || type === "number") {
      const input = el("input", { type: "number", step: type === "integer" ? "1" : "0.01", min: field.min ?? field.exclusive_min, max: field.max, inputmode: "decimal" });
      const unit = /元/.test(field.label || "") ? el("span", { class: "unit", text: "元" }) : null;
      return { node: el("div", { class: "number" }, input, unit), value: () => (input.value === "" ? null : Number(input.value)) };
    }
    if (type === "text") {
      const area = el("textarea", { rows: 3, maxlength: 10000 });
      return { node: area, value: () => area.value.trim() || null };
    }
    if (type === "enum") {
      const select = el("select", {}, el("option", { value: "" }, "请选择"), (field.options || []).map((o) => el("option", { value: o }, optionName(field, names, o))));
      return { node: select, value: () => select.value || null };
    }
    if (type === "date") {
      const input = el("input", { type: "date" });
      return { node: input, value: () => input.value || null };
    }
    if (type === "list") return listControl(field, names);
    if (type === "attendees") return attendeesControl(field, names);
    if (type === "map") return mapControl(field, names);
    if (type === "document") return documentControl(field, options);
    const input = textInput({ maxlength: 200 });  // string, and any type this page does not know yet
    return { node: input, value: () => input.value.trim() || null };
  }

  function hints(field) {
    const out = [];
    if (field.min_items) out.push(field.type === "attendees" ? `至少 ${field.min_items} 位不同人员` : `至少 ${field.min_items} 项`);
    if (field.min !== undefined) out.push(`不小于 ${field.min}`);
    if (field.exclusive_min !== undefined) out.push(`须大于 ${field.exclusive_min}`);
    if (field.max !== undefined) out.push(`不大于 ${field.max}`);
    if (field.type === "document") out.push(`上传${DOCUMENT_KINDS[field.kind] || "文件"}`);
    return out.join("，");
  }

  /** The form: { node, collect(), showErrors(detail) → problems not placed at a field, clearErrors() }. */
  function render(fields, options = {}) {
    const rows = fields.map((field) => {
      const { label, names } = spelt(field);
      const ctl = control(field, names, options);
      const star = el("span", { class: "star", text: "*" });
      const error = el("div", { class: "field-error", role: "alert" });
      const node = el("div", { class: "field", "data-field": field.name, "data-type": field.type },
        el("label", { class: "field-label" }, star, label), ctl.node,
        hints(field) ? el("div", { class: "hint", text: hints(field) }) : null, error);
      const changed = () => { error.textContent = ""; node.classList.remove("invalid"); };  // corrected: the old message goes
      node.addEventListener("input", changed);
      node.addEventListener("change", changed);
      return { field, ctl, node, star, error };
    });
    const form = el("div", { class: "task-form" }, rows.map((r) => r.node));

    function values() {
      const out = {};
      for (const r of rows) {
        if (r.node.hidden) continue;
        const v = r.ctl.value();
        if (v === null || v === "" || (Array.isArray(v) && !v.length) || (typeof v === "object" && !Array.isArray(v) && v !== null && !Object.keys(v).length)) continue;
        out[r.field.name] = v;
      }
      return out;
    }

    function update() {
      const now = values();
      for (const r of rows) {
        const required = requiredNow(r.field, now);
        r.node.hidden = r.field.required_when ? required === false : false;
        r.star.hidden = !(required === true || (required === null && r.field.required));
        r.node.classList.toggle("optional", !required);
      }
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();

    function clearErrors() { for (const r of rows) { r.error.textContent = ""; r.node.classList.remove("invalid"); } }

    function showErrors(detail) {
      clearErrors();
      const rest = [];
      for (const p of Array.isArray(detail) ? detail : [detail]) {
        const loc = (p && p.loc) || [];
        const row = loc[0] === "body" && loc[1] === "data" ? rows.find((r) => r.field.name === loc[2]) : null;
        if (row) {
          row.node.hidden = false;
          row.error.textContent = (row.error.textContent ? row.error.textContent + "；" : "") + inChinese(row.field, p.msg);
          row.node.classList.add("invalid");
        } else rest.push(p);
      }
      const first = form.querySelector(".field.invalid");
      if (first) first.scrollIntoView({ block: "center" });
      return rest;
    }

    return { node: form, collect: values, showErrors, clearErrors };
  }

  window.JiuzhuForm = { render, evaluate, inChinese, filePicker, OPTIONS, DOCUMENT_KINDS };
})();
