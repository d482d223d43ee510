/* 救助 Jiuzhu — shared by the pages: the token (sessionStorage), API calls, labels, small helpers. */
(function () {
  "use strict";
  const KEY = "jiuzhu.token";
  const LABELS = {
    role: { village: "村（居）委会", township: "乡镇（街道）", county: "县级民政部门", designer: "流程设计人员", admin: "系统管理员" },
    kind: { dibao: "最低生活保障", tekun: "特困人员供养", linshi: "临时救助" },
    status: { active: "办理中", approved: "已批准", rejected: "不予批准", withdrawn: "已撤回", terminated: "已终止" },
    type: { bpmn: "流程", dmn: "决策表" },
    event: {
      "case.beyond_authority": "超出确认权限，报县级决定", "clock.set": "调整测试时钟", "crosscheck.hit": "重复享受比对命中",
      "external_task.completed": "外部系统办结", "external_task.failed": "外部系统办理失败", "external_task.retried": "重试外部任务",
      "message.received": "收到外部消息", "request.refused": "拒绝请求",
      "case.created": "登记申请", "case.accepted": "正式受理", "task.completed": "办结环节", "timer.fired": "期限届满",
      "deadline.extended": "延长办理期限", "deadline.recomputed": "按新公布的节假日重算期限", "objection.filed": "收到异议",
      "case.closed": "办结", "case.overdue": "超过法定办理期限", "case.migrated": "迁移流程版本", "case.incident": "流程异常",
      "case.withdrawn": "撤回申请", "case.advance_paid": "先行救助已发放", "case.paperwork_overdue": "补办手续逾期",
      "near_relative.registered": "近亲属备案登记", "spot_check.drawn": "抽取抽查样本", "spot_check.sampled": "被抽中核查",
      "spot_check.completed": "抽查完成", "definition.deployed": "部署流程版本", "calendar.published": "公布节假日安排",
      "beneficiary.created": "纳入救助对象", "beneficiary.recheck_requested": "申请复核", "beneficiary.recheck_started": "开始复核",
      "beneficiary.recheck_ended": "复核结束", "beneficiary.continued": "复核：继续享受", "beneficiary.adjusted": "复核：调整金额",
      "beneficiary.stopped": "复核：停止救助", "beneficiary.deceased": "救助对象死亡，停止救助",
      "beneficiary.near_dibao": "认定为低保边缘家庭", "case.death_reported": "收到死亡信息", "application.reopened": "抽查后重新审核",
      "full_review.opinion": "全面复核意见", "income.accounted": "核算家庭收入", "income.overridden": "调整收入核算结果",
      "report.triaged": "监督举报分办", "payroll.generated": "生成发放名册", "payroll.section": "发放名册乡镇分册",
      "payroll.issued": "发放名册定稿", "payroll.discarded": "作废名册草稿", "payroll.overpayment": "登记多发款项",
      "document.added": "上传材料",
    },
  };

  function token() { return sessionStorage.getItem(KEY) || ""; }

  class ApiError extends Error {
    constructor(status, detail) {
      super(typeof detail === "string" ? detail : JSON.stringify(detail));
      this.status = status; this.detail = detail;
    }
  }

  async function api(path, options = {}) {
    const headers = Object.assign({ Authorization: "Bearer " + token() }, options.headers || {});
    const response = await fetch("/api/v1" + path, Object.assign({}, options, { headers }));
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    if (!response.ok) {
      if (response.status === 401) { sessionStorage.removeItem(KEY); window.dispatchEvent(new Event("jiuzhu:logged-out")); }
      throw new ApiError(response.status, body && body.detail !== undefined ? body.detail : body);
    }
    return body;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** A readable list of an API error's problems (422 lists, 409 objects, strings). */
  function describe(error) {
    const detail = error && error.detail !== undefined ? error.detail : String(error);
    if (Array.isArray(detail)) {
      // a refusal of a diagram names its element (label and id) itself
      return detail.map((p) => (p.element_id && p.type !== "definition_invalid" ? `[${p.element_id}] ` : "") + (p.msg || JSON.stringify(p)));
    }
    if (detail && typeof detail === "object") {
      const lines = [detail.msg || detail.reason || JSON.stringify(detail)];
      for (const b of detail.blocking || []) lines.push(`[${b.element_id}] ${b.name || ""} 已完成的环节发生了变化`);
      return lines;
    }
    const status = error && error.status;
    if (status === 401) return ["令牌无效或已过期，请重新输入 API 令牌。"];
    if (status === 403) return ["当前令牌的角色无权执行此操作：" + detail];
    return [String(detail)];
  }

  function notice(kind, title, lines = []) {
    return el("div", { class: "notice " + kind, role: kind === "error" ? "alert" : "status" },
      el("strong", { text: title }), lines.length ? el("ul", {}, lines.map((l) => el("li", { text: l }))) : null);
  }

  /** The header's token box; calls onReady() once a token is present. */
  function mountAuth(onReady) {
    const box = document.getElementById("auth");
    function render() {
      box.replaceChildren();
      if (token()) {
        box.append(el("span", { class: "who", text: "已登录（令牌保存在本标签页）" }),
          el("button", { class: "btn small light", id: "logout", onclick: () => { sessionStorage.removeItem(KEY); location.reload(); } }, "退出"));
      } else {
        const input = el("input", { id: "token", type: "password", placeholder: "输入 API 令牌（jz_…）", autocomplete: "off" });
        const save = (e) => { e.preventDefault(); if (input.value.trim()) { sessionStorage.setItem(KEY, input.value.trim()); render(); onReady(); } };
        box.append(el("form", { class: "auth", onsubmit: save }, input, el("button", { class: "btn small light", id: "login", type: "submit" }, "登录")));
      }
    }
    render();
    window.addEventListener("jiuzhu:logged-out", render);  // a refused token: the header asks for one again
    if (token()) onReady();
  }

  function loginPrompt(target, what) {
    target.replaceChildren(el("div", { class: "card login-card" },
      el("h2", { text: "请先登录" }),
      el("p", { text: `在右上角输入 API 令牌后即可${what}。令牌由管理员用 “jiuzhu user add 姓名 --role 角色 --region 区划代码” 生成，只保存在当前浏览器标签页中。` })));
  }

  function fmtDate(value) { return value ? String(value).slice(0, 10) : "—"; }
  function fmtTime(value) {
    if (!value) return "—";
    const d = new Date(value);
    return isNaN(d) ? String(value) : d.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });
  }
  function label(group, key) { return (LABELS[group] && LABELS[group][key]) || key || "—"; }

  /** A deadline instant as people say it: midnight is the end of the day before ("2026-12-14 24:00"). */
  function fmtDeadline(value, short) {
    if (!value) return "—";
    const d = new Date(value);
    if (isNaN(d)) return String(value);
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(d).map((p) => [p.type, p.value]));
    let day = `${parts.year}-${parts.month}-${parts.day}`, time = `${parts.hour}:${parts.minute}`;
    if (time === "00:00") {
      const before = new Date(d.getTime() - 1);
      day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(before);
      time = "24:00";
    }
    return `${short ? day.slice(5) : day} ${time}`;
  }

  window.Jiuzhu = { api, ApiError, el, describe, notice, mountAuth, loginPrompt, fmtDate, fmtTime, fmtDeadline, label, LABELS, token };
})();
