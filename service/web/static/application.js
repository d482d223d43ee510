/* 新申请: the application form (POST /api/v1/cases), checking ID numbers as they are typed and saying each
   refusal (a duplicate benefit, a wrong field) in words a caseworker understands. */
(function () {
  "use strict";
  const { api, el, label } = window.Jiuzhu;
  const RELATIONS = { spouse: "配偶", child: "子女", parent: "父母", sibling: "兄弟姐妹", grandparent: "（外）祖父母", grandchild: "（外）孙子女",
    child_in_law: "儿媳/女婿", other: "其他共同生活成员" };
  const CAUSES = ["火灾", "交通事故", "重大疾病", "自然灾害"];
  const STATUS = { active: "办理中", approved: "已批准", rejected: "不予批准", withdrawn: "已撤回", terminated: "已终止", completed: "已完成" };

  /** A 409 or 403 of the application, in Chinese. */
  function refusal(error) {
    const text = typeof error.detail === "string" ? error.detail : "";
    let m = text.match(/^(.+) is already on (\w+) case (\S+) \((\w+)\);/);
    if (m) {
      return `重复享受：${m[1]} 已有${label("kind", m[2])}案件 ${m[3]}（${STATUS[m[4]] || m[4]}）。同一人不能重复享受低保或特困供养，也不能同时享受两者。` +
        "可在“我的待办”的搜索框输入该案件编号查看；不要重复登记。";
    }
    m = text.match(/^this person already holds or has applied for (\w+) (.+); /);
    if (m) {
      const where = /another county/.test(m[2]) ? "在其他县（市、区），请联系县级民政部门与该县核实" : "在本县其他乡镇（街道）或村，县级民政部门可以查看该案件";
      return `重复享受：此人已享受或已申请${label("kind", m[1])}，${where}。同一人不能重复享受低保或特困供养。`;
    }
    m = text.match(/already had temporary assistance for the same cause(?: \((.+?)\))? in (\d+)(?:: case (\S+) \((\w+)\))?/);
    if (m) return `同一原因一年内只能救助一次：此人 ${m[2]} 年已因${m[1] ? "“" + m[1] + "”" : "同一原因"}获得临时救助` + (m[3] ? `（案件 ${m[3]}）` : "") + "。";
    m = text.match(/^region (\d+) is outside your region (\d+)/);
    if (m) return `区划代码 ${m[1]} 不在您的辖区（${m[2]}）内，请核对申请人所在村（居）。`;
    if (error.status === 403) return "当前账号的角色不能登记申请（由村（居）委会或乡镇（街道）登记）。";
    return null;
  }

  const PYDANTIC = [
    [/^Field required$/, "此项必填"], [/^String should match pattern/, "格式不正确"], [/^String should have at least 1 character/, "不能为空"],
    [/^String should have at most (\d+) characters?/, "内容过长"], [/^Input should be greater than or equal to (\S+)/, "不能小于 $1"],
    [/^Input should be less than or equal to (\S+)/, "不能大于 $1"], [/^Input should be a valid number/, "须为数字"],
    [/^Input should be '(\w+)'(?: or '(\w+)')?/, "请选择"], [/^Extra inputs are not permitted/, "不应有此字段"],
    [/the same resident ID appears twice in the household/, "同一身份证号码在申请人和家庭成员中出现了两次"],
    [/^Value error, 居民身份证号码无效 invalid resident ID: (\S+).*$/, "身份证号码无效：$1"],
    [/^Value error, (.*)$/, "$1"],
  ];

  function fieldMessage(msg) {
    for (const [re, say] of PYDANTIC) if (re.test(msg)) return msg.replace(re, say);
    return msg;
  }

  function idInput(id) {
    const input = el("input", { type: "text", id, maxlength: 18, class: "id-number", placeholder: "18 位居民身份证号码", autocomplete: "off" });
    const msg = el("span", { class: "id-msg hint", id: id + "-msg" });
    const check = () => {
      const v = input.value.trim();
      const problem = v ? window.JiuzhuId.problem(v) : null;
      msg.textContent = !v ? "" : problem || "✓ 号码有效";
      msg.className = "id-msg hint " + (!v ? "" : problem ? "bad" : "ok");
      input.classList.toggle("bad", Boolean(v && problem && v.length >= 18));
    };
    input.addEventListener("input", check);
    return el("span", { class: "id-box" }, input, msg);
  }

  function memberRow(n) {
    return el("div", { class: "member", "data-loc": `household.${n}` },
      el("input", { type: "text", class: "m-name", placeholder: "姓名", maxlength: 50, "data-loc": `household.${n}.name` }),
      el("span", { "data-loc": `household.${n}.id_number` }, idInput(`m-id-${n}`)),
      el("select", { class: "m-relation", "data-loc": `household.${n}.relation` }, Object.entries(RELATIONS).map(([v, t]) => el("option", { value: v }, t))),
      el("button", { type: "button", class: "btn small", title: "删除此成员", onclick: (e) => e.target.closest(".member").remove() }, "×"));
  }

  function row(title, loc, ...controls) {
    return el("div", { class: "field", "data-loc": loc }, el("label", { class: "field-label" }, title), ...controls, el("div", { class: "field-error", role: "alert" }));
  }

  /** Draw the form into `target`; `onCreated(case)` after a 201. */
  function mount(target, me, onCreated) {
    let members = 0;
    const kind = el("select", { id: "a-kind" }, Object.entries(window.Jiuzhu.LABELS.kind).map(([v, t]) => el("option", { value: v }, t)));
    const region = el("input", { id: "a-region", type: "text", maxlength: 12, placeholder: "12 位区划代码（村、居）",
      value: me && me.role === "village" ? me.region : (me && me.region ? me.region.replace(/0{3}$/, "") : "") });
    const regionName = el("span", { class: "hint", id: "a-region-name" });
    const villages = el("datalist", { id: "villages" });
    region.setAttribute("list", "villages");
    const known = {};
    const showName = () => { regionName.textContent = known[region.value.trim()] || ""; };
    region.addEventListener("input", showName);
    if (me && me.region) {  // the villages of the caller's township, from the region register when it has them
      api(`/regions/${me.region.slice(0, 9)}`).then((found) => {
        for (const child of found.children || []) {
          known[child.code] = child.name;
          villages.append(el("option", { value: child.code }, child.name));
        }
        showName();
      }).catch(() => { /* not on the register: the code alone */ });
    }
    const hukou = el("div", { class: "radios", id: "a-hukou" },
      el("label", {}, el("input", { type: "radio", name: "hukou", value: "rural", checked: true }), "农村"),
      el("label", {}, el("input", { type: "radio", name: "hukou", value: "urban" }), "城市"));
    const memberBox = el("div", { id: "members" });
    const addMember = el("button", { type: "button", class: "btn small", id: "add-member", onclick: () => memberBox.append(memberRow(members++)) }, "＋ 添加家庭成员");
    const near = el("input", { type: "checkbox", id: "a-near" });
    const nearDetail = el("div", { class: "near-detail", hidden: true },
      el("input", { type: "text", id: "a-near-staff", placeholder: "工作人员姓名", maxlength: 50 }),
      el("input", { type: "text", id: "a-near-position", placeholder: "职务（如 村委会委员）", maxlength: 50 }),
      el("input", { type: "text", id: "a-near-relation", placeholder: "亲属关系（如 兄弟）", maxlength: 20 }));
    near.addEventListener("change", () => { nearDetail.hidden = !near.checked; });
    const cause = el("div", { class: "linshi-only", hidden: true },
      row("困难原因（临时救助）", "application.cause", el("input", { type: "text", id: "a-cause", list: "causes", maxlength: 200, placeholder: "如 火灾" }),
        el("datalist", { id: "causes" }, CAUSES.map((c) => el("option", { value: c })))),
      row("具体情况", "application.cause_detail", el("input", { type: "text", id: "a-cause-detail", maxlength: 200, placeholder: "如 房屋火灾" })));
    kind.addEventListener("change", () => { cause.hidden = kind.value !== "linshi"; });
    const result = el("div", { id: "application-result" });
    const submit = el("button", { type: "submit", class: "btn primary", id: "submit-application" }, "提交申请");

    const form = el("form", { id: "application", class: "application", novalidate: true, onsubmit: (e) => { e.preventDefault(); send(); } },
      el("section", { class: "card" }, el("header", {}, el("h2", { text: "申请事项" })), el("div", { class: "body grid2" },
        row("救助类别", "kind", kind), row("申请人所在村（居）区划代码", "region", el("span", { class: "id-box" }, region, regionName), villages), row("户籍", "hukou", hukou))),
      el("section", { class: "card" }, el("header", {}, el("h2", { text: "申请人" })), el("div", { class: "body grid2" },
        row("姓名", "applicant.name", el("input", { type: "text", id: "a-name", maxlength: 50 })),
        row("居民身份证号码", "applicant.id_number", idInput("a-id")))),
      el("section", { class: "card" }, el("header", {}, el("h2", { text: "共同生活的家庭成员" }), addMember),
        el("div", { class: "body" }, memberBox, el("div", { class: "hint", text: "与申请人共同生活的配偶、子女、父母等，逐一填写姓名、身份证号码和关系；独居时不填。" }),
          el("div", { class: "field-error", "data-loc": "household" }))),
      el("section", { class: "card" }, el("header", {}, el("h2", { text: "申请情况" })), el("div", { class: "body grid2" },
        row("申请理由", "application.reason", el("textarea", { id: "a-reason", rows: 2, maxlength: 2000, placeholder: "如 因病致贫" })),
        row("家庭月收入（元）", "application.monthly_income", el("input", { type: "number", id: "a-income", min: 0, step: "0.01", value: "0" })),
        row("申请金额（元，可不填）", "application.requested_amount", el("input", { type: "number", id: "a-requested", min: 0, step: "0.01", value: "0" })),
        row("急难情况", "application.emergency", el("label", { class: "check" }, el("input", { type: "checkbox", id: "a-emergency" }), "需要先行救助")),
        cause,
        row("近亲属备案", "near_relative_of_staff", el("label", { class: "check" }, near, "申请人或家庭成员是经办人员或村（居）干部的近亲属"), nearDetail))),
      el("div", { class: "actions" }, submit, result));
    target.replaceChildren(form);

    function payload() {
      const value = (id) => form.querySelector("#" + id).value.trim();
      const body = {
        kind: kind.value, region: region.value.trim(), hukou: form.querySelector("input[name=hukou]:checked").value,
        applicant: { name: value("a-name"), id_number: value("a-id").toUpperCase() },
        household: [...memberBox.querySelectorAll(".member")].map((m) => ({
          name: m.querySelector(".m-name").value.trim(), id_number: m.querySelector(".id-number").value.trim().toUpperCase(),
          relation: m.querySelector(".m-relation").value })),
        near_relative_of_staff: near.checked,
        application: { reason: value("a-reason"), monthly_income: Number(value("a-income") || 0),
          requested_amount: Number(value("a-requested") || 0), emergency: form.querySelector("#a-emergency").checked },
      };
      if (near.checked && value("a-near-staff")) {
        body.near_relative_detail = { staff_name: value("a-near-staff"), staff_position: value("a-near-position") || null, relation: value("a-near-relation") };
      }
      if (kind.value === "linshi") { body.application.cause = value("a-cause") || null; body.application.cause_detail = value("a-cause-detail") || null; }
      return body;
    }

    function place(detail) {
      form.querySelectorAll(".field-error").forEach((e) => { e.textContent = ""; });
      form.querySelectorAll(".invalid").forEach((e) => e.classList.remove("invalid"));
      const rest = [];
      for (const p of detail) {
        const loc = (p.loc || []).slice(1).join(".");
        let holder = null;
        for (let parts = loc.split("."); parts.length && !holder; parts.pop()) holder = form.querySelector(`[data-loc="${parts.join(".")}"]`);
        const box = holder && (holder.querySelector(".field-error") || holder.closest(".field, .card")?.querySelector(".field-error"));
        if (box) {
          const who = /^household\.(\d+)/.exec(loc);
          const prefix = who ? `第 ${Number(who[1]) + 1} 位家庭成员：` : "";
          box.textContent = (box.textContent ? box.textContent + "；" : "") + prefix + fieldMessage(p.msg || "");
          holder.classList.add("invalid");
        } else rest.push(fieldMessage(p.msg || JSON.stringify(p)));
      }
      return rest;
    }

    async function send() {
      const body = payload();
      const wrong = window.JiuzhuId.problem(body.applicant.id_number);
      result.replaceChildren();
      if (wrong) { place([{ loc: ["body", "applicant", "id_number"], msg: wrong }]); return; }
      submit.disabled = true;
      try {
        const created = await api("/cases", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        onCreated(created);
      } catch (error) {
        if (error.status === 422 && Array.isArray(error.detail)) {
          const rest = place(error.detail);
          result.replaceChildren(window.Jiuzhu.notice("error", "请按提示修改标红的内容后再提交", rest));
        } else {
          const said = refusal(error);
          result.replaceChildren(window.Jiuzhu.notice("error", error.status === 409 ? "不能登记此申请" : "提交失败",
            [said || window.Jiuzhu.describe(error).join("；")]));
        }
      } finally {
        submit.disabled = false;
      }
    }
  }

  window.JiuzhuApplication = { mount, refusal };
})();
