/* 办理工作台: my queue (GET /api/v1/tasks), the search box (GET /api/v1/cases?q=), a task with its form from the
   diagram beside the case's facts and documents, a case, and the new application. Views by the address's hash:
   #queue, #task/ID, #case/ID, #new. */
(function () {
  "use strict";
  const { api, el, describe, notice, mountAuth, loginPrompt, fmtDate, fmtTime, label } = window.Jiuzhu;
  const main = document.getElementById("main");
  const STAGES = { accept: "受理审查", supplement: "一次性告知补正", info_check: "信息核对", home_visit: "入户调查",
    county_home_visit: "县级入户核查", self_care_assessment: "生活自理能力评估", appraisal: "民主评议", review: "审核意见",
    handle_objection: "异议处理", confirm: "审核确认", notify_rejection: "书面告知理由", archive: "归档" };
  const FACTS = { reason: "申请理由", monthly_income: "家庭月收入（元）", requested_amount: "申请金额（元）", emergency: "急难情况",
    hukou: "户籍", household_size: "家庭人口", publicity_from: "公示开始", publicity_until: "公示截止", near_relative_of_staff: "近亲属备案",
    cause: "困难原因", cause_detail: "具体情况", materials_complete: "材料齐全", eligible: "符合条件", monthly_amount: "拟保障金额（元/月）",
    amount: "确认金额（元/月）", proposed_amount: "拟申请金额（元）", income_per_capita: "家庭人均收入（元/月）",
    archive_no: "档案编号", recheck_class: "分类管理类别", confirmer: "确认机关", deliberation: "县级一事一议",
    conference: "个案会商", decided_by: "作出决定的机关", approved: "确认给予保障", disputed: "调查有争议", upheld: "异议成立" };
  const PAGE_SIZE = 15;
  const state = { me: null, kind: "", stage: "", late: "", sort: "due_on", page: 1, q: "", flash: null };
  const regionNames = {};

  // --- small helpers ---
  /** A region as people say it: its name (from the register) beside the code; the code alone when unknown. */
  function regionText(code, name) {
    const known = name && name !== code ? name : regionNames[code];
    if (!code) return "—";
    return known ? (known.includes(code) ? known : `${known}（${code}）`) : code;
  }

  async function learnRegions(codes) {
    const wanted = [...new Set(codes.filter((c) => c && !(c in regionNames)))];
    if (!wanted.length) return;
    try {
      const found = await api("/regions?codes=" + encodeURIComponent(wanted.join(",")));
      for (const [code, named] of Object.entries(found || {})) {
        const name = named && typeof named === "object" ? named.name : named;
        if (typeof name === "string" && name !== code) regionNames[code] = name;
      }
    } catch (e) { /* the register is optional: codes alone */ }
    for (const c of wanted) if (!(c in regionNames)) regionNames[c] = "";
  }

  function factValue(v) {
    if (v === true) return "是";
    if (v === false) return "否";
    if (v === null || v === undefined || v === "") return "—";
    if (v === "rural") return "农村";
    if (v === "urban") return "城市";
    if (Array.isArray(v)) return v.map((x) => (typeof x === "object" ? x.name || JSON.stringify(x) : x)).join("、");
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  function deadlineCell(task) {
    if (!task.case_due_on) return el("td", { class: "muted", text: "未起算" });
    const left = task.case_working_days_left;
    const words = left === null || left === undefined ? "" : left < 0 ? `超期 ${-left} 个工作日` : `剩余 ${left} 个工作日`;
    return el("td", { class: "statutory" + (task.case_overdue ? " overdue" : "") },
      el("span", { text: fmtDate(task.case_due_on) }), words ? el("small", { class: "days", text: words }) : null);
  }

  function stageDeadline(task) {
    return el("td", { class: task.overdue ? "overdue" : "" }, fmtDate(task.due_on), task.overdue ? el("span", { class: "badge red" }, "阶段逾期") : null);
  }

  function flash() { const f = state.flash; state.flash = null; return f ? notice(f[0], f[1], f[2] || []) : null; }

  function failed(error, what) {
    if (error.status === 401) { loginPrompt(main, "使用办理工作台"); return; }
    main.replaceChildren(notice("error", what, error.status === 404 ? ["不存在，或不在您的辖区内。"] : describe(error)),
      el("p", {}, el("a", { href: "#queue" }, "返回我的待办")));
  }

  // --- the queue ---
  function select(id, value, options, onchange) {
    return el("select", { id, onchange: (e) => { onchange(e.target.value); } },
      options.map(([v, t]) => el("option", { value: v, selected: value === v }, t)));
  }

  const COLUMNS = [["case_number", "案件编号"], ["applicant", "申请人"], [null, "类别"], ["stage", "当前环节"], ["due_on", "环节期限"],
    ["case_due_on", "法定办结期限"], [null, "所在村（居）"], [null, ""]];

  async function showQueue() {
    const params = new URLSearchParams({ page: state.page, page_size: PAGE_SIZE, sort: state.sort });
    if (state.kind) params.set("kind", state.kind);
    if (state.stage) params.set("element_id", state.stage);
    if (state.late === "stage") params.set("overdue", "true");
    if (state.late === "case") params.set("case_overdue", "true");
    let data;
    try { data = await api("/tasks?" + params); } catch (error) { failed(error, "待办加载失败"); return; }
    const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
    const head = el("tr", {}, COLUMNS.map(([key, name]) => {
      if (!key) return el("th", { text: name });
      const on = state.sort.replace(/^-/, "") === key, down = state.sort.startsWith("-");
      return el("th", { class: "sortable" + (on ? " sorted" : ""), "data-sort": key, title: "点击排序",
        onclick: () => { state.sort = on && !down ? "-" + key : key; state.page = 1; showQueue(); } }, name, on ? (down ? " ▼" : " ▲") : "");
    }));
    const body = data.items.map((t) => el("tr", { "data-task": t.id, class: "clickable", onclick: () => { location.hash = "#task/" + t.id; } },
      el("td", {}, el("a", { href: "#task/" + t.id }, t.case_number || "—")), el("td", { text: t.applicant_name || "—" }),
      el("td", { text: label("kind", t.kind) }), el("td", { text: t.name }), stageDeadline(t), deadlineCell(t),
      el("td", { class: "region", title: t.region, text: t.region_name && t.region_name !== t.region ? t.region_name : t.region }),
      el("td", {}, el("a", { class: "btn small primary", href: "#task/" + t.id }, "办理"))));
    const canApply = state.me && ["village", "township"].includes(state.me.role);
    main.replaceChildren(
      flash() || "",
      el("section", { class: "card queue-card" },
        el("header", {},
          el("h2", { text: "我的待办" }), el("span", { class: "hint", id: "queue-total", text: `共 ${data.total} 件` }),
          el("div", { class: "filters" },
            select("f-kind", state.kind, [["", "全部类别"], ...Object.entries(window.Jiuzhu.LABELS.kind)], (v) => { state.kind = v; state.page = 1; showQueue(); }),
            select("f-stage", state.stage, [["", "全部环节"], ...Object.entries(stages(data.items))], (v) => { state.stage = v; state.page = 1; showQueue(); }),
            select("f-overdue", state.late, [["", "全部期限"], ["stage", "阶段逾期"], ["case", "超过法定期限"]], (v) => { state.late = v; state.page = 1; showQueue(); })),
          searchBox(),
          canApply ? el("a", { class: "btn primary", id: "new-application", href: "#new" }, "＋ 新申请") : null),
        el("div", { class: "body" }, data.items.length
          ? el("table", { class: "grid", id: "queue" }, el("thead", {}, head), el("tbody", {}, body))
          : el("div", { class: "empty", text: "没有符合条件的待办事项。" })),
        el("footer", { class: "pager" },
          el("button", { class: "btn small", id: "prev", disabled: state.page <= 1, onclick: () => { state.page--; showQueue(); } }, "上一页"),
          el("span", { id: "page-info", text: `第 ${state.page} / ${pages} 页` }),
          el("button", { class: "btn small", id: "next", disabled: state.page >= pages, onclick: () => { state.page++; showQueue(); } }, "下一页"))));
  }

  /** The stages to filter by: the shipped diagrams' user tasks, and any other the queue holds (a designer's new one). */
  function stages(items) {
    const out = Object.assign({}, STAGES);
    for (const t of items) if (!(t.element_id in out)) out[t.element_id] = t.name;
    return out;
  }

  function searchBox() {
    const input = el("input", { id: "q", type: "search", placeholder: "案件编号 / 申请人姓名 / 身份证号", value: state.q, maxlength: 50 });
    return el("form", { class: "search", role: "search", onsubmit: (e) => {
      e.preventDefault();
      const q = input.value.trim();
      if (q) location.hash = "#search/" + encodeURIComponent(q);
    } }, input, el("button", { class: "btn", id: "search-go", type: "submit" }, "搜索"));
  }

  async function showSearch(q) {
    state.q = q;
    let data;
    try { data = await api("/cases?" + new URLSearchParams({ q, page_size: 50 })); } catch (error) {
      if (error.status === 401) { failed(error); return; }
      main.replaceChildren(el("section", { class: "card" }, el("header", {}, el("h2", { text: "搜索" }), searchBox()),
        el("div", { class: "body" }, notice("error", "无法搜索", describe(error)))));
      return;
    }
    main.replaceChildren(el("section", { class: "card" },
      el("header", {}, el("h2", { text: `搜索“${q}”` }), el("span", { class: "hint", id: "search-total", text: `找到 ${data.total} 件` + (data.total > data.items.length ? `，显示最新的 ${data.items.length} 件，请输入更完整的内容` : "") }), searchBox(),
        el("a", { class: "btn", href: "#queue" }, "返回我的待办")),
      el("div", { class: "body" }, data.items.length ? el("table", { class: "grid", id: "search-results" },
        el("thead", {}, el("tr", {}, ["案件编号", "申请人", "类别", "状态", "当前环节", "法定办结期限", "所在村（居）"].map((h) => el("th", { text: h })))),
        el("tbody", {}, data.items.map((c) => el("tr", { "data-case": c.id, class: "clickable", onclick: () => { location.hash = "#case/" + c.id; } },
          el("td", {}, el("a", { href: "#case/" + c.id }, c.number)), el("td", { text: c.applicant.name }), el("td", { text: label("kind", c.kind) }),
          el("td", { text: label("status", c.status) }), el("td", { text: c.positions.map((p) => p.name).join("、") || "—" }),
          el("td", { class: c.overdue ? "overdue" : "" }, fmtDate(c.due_on)), el("td", { text: regionText(c.region, c.region_name) }))))) :
        el("div", { class: "empty", text: "没有找到。案件编号和身份证号码须完整输入；姓名可输入其中几个字。" }))));
  }

  // --- a case: facts, documents, archive ---
  function factsCard(c) {
    const rows = [["案件编号", c.number], ["类别", label("kind", c.kind)], ["状态", label("status", c.status)], ["所在村（居）", regionText(c.region, c.region_label || c.region_name)],
      ["申请人", c.applicant.name], ["身份证号码", c.applicant.id_number], ["家庭人口", c.household_size], ["受理日期", fmtDate(c.accepted_on)],
      ["法定办结期限", c.due_on ? `${fmtDate(c.due_on)}${c.working_days_left !== null && c.working_days_left !== undefined ? `（${c.overdue ? "已超期" : "剩余 " + c.working_days_left + " 个工作日"}）` : ""}` : "未起算"]];
    for (const [k, v] of Object.entries(c.facts || {})) {
      if (v === null || typeof v === "object") continue;
      rows.push([FACTS[k] || k, ["confirmer", "decided_by"].includes(k) ? label("role", v) : factValue(v)]);
    }
    return el("section", { class: "card facts-card" }, el("header", {}, el("h2", { text: "案件信息" }),
      el("a", { href: `/cases/${c.id}/view`, class: "hint", target: "_blank" }, "流程图")),
      el("div", { class: "body" }, el("dl", { class: "facts", id: "case-facts" }, rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { class: c.overdue && k === "法定办结期限" ? "overdue" : "", text: factValue(v) })]))));
  }

  async function download(path, fallback) {
    const response = await fetch("/api/v1" + path, { headers: { Authorization: "Bearer " + window.Jiuzhu.token() } });
    if (!response.ok) {
      let detail = response.statusText;
      try { detail = (await response.json()).detail; } catch (e) { /* not JSON */ }
      throw new window.Jiuzhu.ApiError(response.status, detail);
    }
    const blob = await response.blob();
    const disposition = response.headers.get("content-disposition") || "";
    const named = /filename\*=UTF-8''([^;]+)/i.exec(disposition) || /filename="?([^";]+)"?/i.exec(disposition);
    const a = el("a", { href: URL.createObjectURL(blob), download: named ? decodeURIComponent(named[1]) : fallback });
    document.body.append(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

  async function upload(caseId, file, kind, taskId) {
    const body = new FormData();
    body.append("file", file);
    body.append("kind", kind);
    if (taskId) body.append("task_id", taskId);
    return api(`/cases/${caseId}/documents`, { method: "POST", body });
  }

  function documentsCard(c, taskId) {
    const list = el("div", { id: "documents", class: "body" }, el("span", { class: "muted", text: "正在加载…" }));
    const message = el("div", { id: "documents-message" });
    const kinds = window.JiuzhuForm.DOCUMENT_KINDS;
    const kind = el("select", { id: "doc-kind" }, Object.entries(kinds).map(([v, t]) => el("option", { value: v }, t)));
    const picker = window.JiuzhuForm.filePicker({ id: "doc-file" });
    const file = picker.input;
    const send = el("button", { class: "btn small", id: "doc-upload", type: "button", onclick: async () => {
      if (!file.files.length) { message.replaceChildren(notice("error", "请先选择文件")); return; }
      send.disabled = true;
      try {
        const doc = await upload(c.id, file.files[0], kind.value, taskId);
        message.replaceChildren(notice("ok", `已上传 ${kinds[doc.kind] || doc.kind}`, [`SHA-256 ${doc.sha256}`]));
        file.value = "";
        file.dispatchEvent(new Event("change"));
        refresh();
      } catch (error) {
        message.replaceChildren(notice("error", "上传失败", error.status === 413 ? ["文件太大，超过允许的大小。"] : error.status === 422 ? ["只能上传 PDF、JPG 或 PNG 文件。", ...describe(error)] : describe(error)));
      } finally { send.disabled = false; }
    } }, "上传");
    const mayArchive = state.me && ["township", "county"].includes(state.me.role);
    const archive = mayArchive ? el("button", { class: "btn small", id: "download-archive", type: "button", onclick: async () => {
      archive.disabled = true;
      try { await download(`/cases/${c.id}/archive`, `${c.number}-档案.zip`); message.replaceChildren(notice("ok", "档案已下载")); } catch (error) {
        message.replaceChildren(notice("error", "下载档案失败", describe(error)));
      } finally { archive.disabled = false; }
    } }, "下载档案") : null;

    async function refresh() {
      let docs;
      try { docs = await api(`/cases/${c.id}/documents`); } catch (error) {
        list.replaceChildren(el("span", { class: "muted", text: error.status === 404 ? "本系统未启用材料管理。" : "材料列表加载失败：" + describe(error).join("；") }));
        return;
      }
      const items = Array.isArray(docs) ? docs : docs.items || [];
      list.replaceChildren(items.length ? el("table", { class: "grid compact", id: "doc-list" },
        el("thead", {}, el("tr", {}, ["材料", "文件", "大小", "上传", ""].map((h) => el("th", { text: h })))),
        el("tbody", {}, items.map((d) => el("tr", { "data-document": d.id },
          el("td", { text: d.kind_label || kinds[d.kind] || d.kind || "—" }), el("td", { class: "filename", text: d.filename || d.name || d.content_type || "" }),
          el("td", { class: "num", text: d.size ? `${Math.ceil(d.size / 1024)} KB` : "—" }),
          el("td", { class: "hint", text: [d.uploaded_by, d.uploaded_at ? fmtTime(d.uploaded_at) : ""].filter(Boolean).join(" ") }),
          el("td", {}, el("button", { class: "btn small", type: "button", onclick: () => download(`/documents/${d.id}`, d.filename || `document-${d.id}`)
            .catch((error) => message.replaceChildren(notice("error", "下载失败", describe(error)))) }, "查看")))))) :
        el("span", { class: "muted", text: "暂无材料。" }));
    }
    refresh();
    const card = el("section", { class: "card documents-card" },
      el("header", {}, el("h2", { text: "申请材料与档案" }), archive),
      list, el("div", { class: "body upload" }, kind, picker.node, send), message);
    card.refresh = refresh;
    return card;
  }

  function taskLinks(c) {
    const mine = c.tasks.filter((t) => !state.me || state.me.role === "admin" || t.role === state.me.role);
    const others = c.tasks.filter((t) => !mine.includes(t));
    return el("section", { class: "card" }, el("header", {}, el("h2", { text: "待办环节" })), el("div", { class: "body", id: "case-tasks" },
      mine.length ? el("ul", { class: "task-links" }, mine.map((t) => el("li", {},
        el("a", { class: "btn primary", href: "#task/" + t.id, "data-element": t.element_id }, "办理：" + t.name),
        t.due_on ? el("span", { class: "hint", text: ` 环节期限 ${fmtDate(t.due_on)}` }) : null))) : el("p", { class: "muted", text: "没有需要您办理的环节。" }),
      others.length ? el("p", { class: "hint", text: "其他单位办理中：" + others.map((t) => `${t.name}（${label("role", t.role)}）`).join("、") }) : null,
      c.status !== "active" ? el("p", { id: "case-closed", text: `案件${label("status", c.status)}。` }) : null));
  }

  async function showCase(id) {
    let c;
    try { c = await api(`/cases/${id}`); } catch (error) { failed(error, "案件加载失败"); return; }
    main.replaceChildren(flash() || "",
      el("div", { class: "crumbs" }, el("a", { href: "#queue" }, "← 我的待办"), el("h1", { id: "case-number", text: `${c.number} ${c.applicant.name}` })),
      el("div", { class: "split" }, el("div", { class: "left" }, taskLinks(c), documentsCard(c)), el("div", { class: "right" }, factsCard(c))));
  }

  // --- a task: the form from its diagram ---
  async function showTask(id) {
    let task, c;
    try { task = await api(`/tasks/${encodeURIComponent(id)}`); c = await api(`/cases/${task.case_id}`); } catch (error) { failed(error, "待办加载失败"); return; }
    const open = task.status === "open";
    const documents = documentsCard(c, task.id);
    const form = window.JiuzhuForm.render(task.form, { upload: (file, kind) => upload(c.id, file, kind, task.id), onUploaded: () => documents.refresh() });
    const result = el("div", { id: "task-result" });
    const mine = !state.me || state.me.role === task.role;
    const submit = el("button", { class: "btn primary", id: "submit-task", type: "submit", disabled: !open || !mine }, "提交办结");
    const settled = () => { if (!form.node.querySelector(".field.invalid")) result.replaceChildren(); };
    form.node.addEventListener("change", settled);
    async function send() {
      form.clearErrors();
      result.replaceChildren();
      submit.disabled = true;
      try {
        const after = await api(`/tasks/${encodeURIComponent(task.id)}/complete`, { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ data: form.collect() }) });
        state.flash = ["ok", `“${task.name}”已办结`, after.status !== "active" ? [`案件${label("status", after.status)}。`] : []];
        location.hash = "#case/" + after.id;
      } catch (error) {
        const rest = error.status === 422 ? form.showErrors(error.detail) : [error];
        if (rest.length) {
          const lines = error.status === 422 ? rest.map((p) => window.JiuzhuForm.inChinese(null, p.msg || JSON.stringify(p))) : describe(error);
          result.replaceChildren(notice("error", error.status === 409 ? "无法办结（状态已变化）" : "未能办结", lines));
        } else result.replaceChildren(notice("error", "请按标红的提示修改后再提交"));
        submit.disabled = false;
      }
    }
    main.replaceChildren(
      el("div", { class: "crumbs" }, el("a", { href: "#queue" }, "← 我的待办"), el("a", { href: "#case/" + c.id }, c.number),
        el("h1", { id: "task-name", text: task.name })),
      el("div", { class: "split" },
        el("div", { class: "left" },
          el("section", { class: "card form-card" },
            el("header", {}, el("h2", { text: "办理表单" }), el("span", { class: "hint", text: `${label("role", task.role)} · 环节期限 ${fmtDate(task.due_on)}` }),
              task.overdue ? el("span", { class: "badge red" }, "阶段逾期") : null),
            el("form", { id: "task-form", class: "body", novalidate: true, onsubmit: (e) => { e.preventDefault(); send(); } },
              !open ? notice("info", `此环节${task.status === "done" ? "已办结" : "已结束"}`) : null,
              open && !mine ? notice("info", `此环节由${label("role", task.role)}办理，您只能查看。`) : null,
              task.form.length ? form.node : el("p", { class: "muted", text: "此环节没有需要填写的内容，直接提交即可。" }),
              el("div", { class: "actions" }, submit, result)))),
        el("div", { class: "right" }, factsCard(c), documents)));
  }

  // --- new application ---
  function showNew() {
    const box = el("div", { id: "new-box" });
    main.replaceChildren(el("div", { class: "crumbs" }, el("a", { href: "#queue" }, "← 我的待办"), el("h1", { text: "新申请" })), box);
    window.JiuzhuApplication.mount(box, state.me, (created) => {
      state.flash = ["ok", `申请已登记，案件编号 ${created.number}`, ["请办理下方的“受理审查”。"]];
      location.hash = "#case/" + created.id;
    });
  }

  function route() {
    if (!window.Jiuzhu.token()) { loginPrompt(main, "使用办理工作台"); return; }
    const [view, arg] = location.hash.replace(/^#/, "").split("/");
    if (view === "task" && arg) showTask(decodeURIComponent(arg));
    else if (view === "case" && /^\d+$/.test(arg || "")) showCase(arg);
    else if (view === "search" && arg) showSearch(decodeURIComponent(arg));
    else if (view === "new") showNew();
    else showQueue();
  }

  async function start() {
    try { state.me = await api("/me"); } catch (error) { if (error.status === 401) { loginPrompt(main, "使用办理工作台"); return; } }
    if (state.me) {
      await learnRegions([state.me.region]);
      document.getElementById("auth").prepend(el("span", { class: "who", id: "me", text: `${state.me.name} · ${label("role", state.me.role)} · ${regionText(state.me.region)}` }));
    }
    route();
  }

  window.addEventListener("hashchange", route);
  mountAuth(start);
  if (!window.Jiuzhu.token()) loginPrompt(main, "使用办理工作台");
})();
