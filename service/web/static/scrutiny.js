/* 督办看板 — 监督举报、全面复核与定期报告 (GET /api/v1/supervision/scrutiny): counts per township and the open items.
   Every text from a report is put in with textContent (el()), never as HTML: a report is hostile input. */
(function () {
  "use strict";
  const { api, el, describe, notice, fmtDate } = window.Jiuzhu;

  function badge(late) { return late ? el("span", { class: "badge red" }, "逾期") : el("span", { class: "badge amber" }, "办理中"); }

  function townshipTable(data) {
    if (!data.townships.length) return el("div", { class: "empty", text: "辖区内没有待处理的举报、复核批次或缺报的定期报告。" });
    return el("table", { class: "grid", id: "scrutiny-townships" },
      el("thead", {}, el("tr", {}, ["乡镇", "待处理举报", "其中逾期", "待复核批次", "其中逾期", "定期报告缺报"].map((h) => el("th", { text: h })))),
      el("tbody", {}, data.townships.map((t) => el("tr", { "data-township": t.township },
        el("td", { text: t.township_name || t.township, title: t.township }), el("td", { class: "num", text: String(t.open_reports) }),
        el("td", { class: "num", text: String(t.overdue_reports) }), el("td", { class: "num", text: String(t.open_batches) }),
        el("td", { class: "num", text: String(t.overdue_batches) }), el("td", { class: "num", text: String(t.missing_reports) })))));
  }

  function reportTable(data) {
    const rows = data.townships.flatMap((t) => t.reports);
    if (!rows.length) return el("div", { class: "empty", text: "没有待处理的监督举报。" });
    return el("table", { class: "grid", id: "scrutiny-reports" },
      el("thead", {}, el("tr", {}, ["举报编号", "事由", "所涉地区", "收到日期", "分办期限", "状态"].map((h) => el("th", { text: h })))),
      el("tbody", {}, rows.map((r) => el("tr", {},
        el("td", {}, el("a", { href: `/cases/${r.case_id}/view` }, r.number)), el("td", { class: "subject", text: r.subject }),
        el("td", { text: r.region_name || r.region, title: r.region }), el("td", { text: fmtDate(r.received_on) }), el("td", { text: fmtDate(r.due_on) }),
        el("td", {}, badge(r.overdue))))));
  }

  function batchTable(data) {
    const rows = data.townships.flatMap((t) => t.batches);
    if (!rows.length) return el("div", { class: "empty", text: "没有待复核的批次。" });
    return el("table", { class: "grid", id: "scrutiny-batches" },
      el("thead", {}, el("tr", {}, ["批次", "月份", "审批决定数", "反馈期限", "状态"].map((h) => el("th", { text: h })))),
      el("tbody", {}, rows.map((b) => el("tr", {},
        el("td", {}, el("a", { href: `/cases/${b.case_id}/view` }, b.number)), el("td", { text: b.month || "—" }),
        el("td", { class: "num", text: String(b.decisions) }), el("td", { text: fmtDate(b.due_on) }), el("td", {}, badge(b.overdue))))));
  }

  async function load() {
    const target = document.getElementById("scrutiny");
    if (!target) return;
    let data;
    try {
      data = await api("/supervision/scrutiny");
    } catch (error) {
      if (error.status === 401 || error.status === 403) { target.replaceChildren(); return; }
      target.replaceChildren(notice("error", "监督数据加载失败", describe(error)));
      return;
    }
    const t = data.totals;
    target.replaceChildren(
      el("section", { class: "card" },
        el("header", {}, el("h2", { text: "监督举报、全面复核与定期报告" }),
          el("span", { class: "hint", id: "scrutiny-totals",
            text: `待处理举报 ${t.open_reports}（逾期 ${t.overdue_reports}） · 待复核批次 ${t.open_batches}（逾期 ${t.overdue_batches}） · 定期报告缺报 ${t.missing_reports}` })),
        el("div", { class: "body" }, townshipTable(data))),
      el("div", { class: "dash two" },
        el("section", { class: "card" }, el("header", {}, el("h2", { text: "待处理的监督举报" })), el("div", { class: "body" }, reportTable(data))),
        el("section", { class: "card" }, el("header", {}, el("h2", { text: "全面复核批次" })), el("div", { class: "body" }, batchTable(data)))));
  }

  window.JiuzhuScrutiny = { load };
})();
