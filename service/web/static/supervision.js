/* 督办看板: overdue and at-risk cases per township (GET /api/v1/supervision/overdue), a chart and the list. */
(function () {
  "use strict";
  const { api, el, describe, notice, mountAuth, loginPrompt, fmtDate, label } = window.Jiuzhu;
  const main = document.getElementById("main");
  const SVG = "http://www.w3.org/2000/svg";
  const SERIES = [
    { key: "overdue", name: "逾期", color: "#c92a2a" },
    { key: "at_risk", name: "临期", color: "#f08c00" },
    { key: "stage_overdue", name: "阶段逾期", color: "#7048e8" },
  ];
  const STAGES = { accept: "受理审查", supplement: "补正材料", info_check: "信息核对", home_visit: "入户调查", county_home_visit: "县级入户核查",
    appraisal: "民主评议", review: "审核意见", publicity: "公示", handle_objection: "异议处理", confirm: "审核确认", notify_rejection: "书面告知", archive: "归档" };
  let state = { data: null, township: "", status: "" };

  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A township by name (the code when the region register does not know it); ``short`` fits the chart's labels. */
  function townshipName(t, short) {
    if (!t.township_name || t.township_name === t.township) return t.township;
    return short && t.township_name.length > 7 ? t.township_name.slice(0, 6) + "…" : t.township_name;
  }

  /** Grouped horizontal bars: one row per township, one bar per series. */
  function chart(townships) {
    const rowH = 54, top = 30, left = 96, width = 560, barW = width - left - 40;
    const max = Math.max(1, ...townships.flatMap((t) => SERIES.map((s) => t[s.key] || 0)));
    const height = top + townships.length * rowH + 10;
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "各乡镇逾期、临期案件数", id: "township-chart" });
    SERIES.forEach((s, i) => {
      root.append(svg("rect", { x: left + i * 92, y: 6, width: 12, height: 12, rx: 2, fill: s.color }),
        svg("text", { x: left + i * 92 + 17, y: 16, class: "tick" }, s.name));
    });
    townships.forEach((t, row) => {
      const y = top + row * rowH;
      const hit = svg("rect", { x: 0, y: y - 2, width, height: rowH - 4, class: "township-row" + (state.township === t.township ? " selected" : ""),
        "data-township": t.township });
      hit.addEventListener("click", () => { state.township = state.township === t.township ? "" : t.township; render(); });
      const name = svg("text", { x: 4, y: y + rowH / 2, class: "bar-label" }, townshipName(t, true));
      name.append(svg("title", {}, `${townshipName(t)}（${t.township}）`));
      root.append(hit, name);
      SERIES.forEach((s, i) => {
        const value = t[s.key] || 0, w = Math.max(value ? 3 : 0, (value / max) * barW), by = y + 4 + i * 15;
        root.append(svg("rect", { x: left, y: by, width: w, height: 12, rx: 2, fill: s.color, "pointer-events": "none" }),
          svg("text", { x: left + w + 5, y: by + 10, class: "bar-value", "pointer-events": "none" }, String(value)));
      });
      root.append(svg("line", { x1: left, x2: left, y1: y, y2: y + rowH - 6, class: "axis" }));
    });
    return root;
  }

  function stat(cls, name, value, id) {
    return el("div", { class: "card stat " + cls }, el("span", { class: "muted", text: name }), el("span", { class: "value", id, text: String(value) }));
  }

  function rows(data) {
    const out = [];
    for (const t of data.townships) {
      if (state.township && t.township !== state.township) continue;
      for (const c of t.cases) if (!state.status || c.status === state.status) out.push([t, c]);
    }
    out.sort((a, b) => (b[1].working_days_over || 0) - (a[1].working_days_over || 0) || (a[1].working_days_left || 0) - (b[1].working_days_left || 0));
    return out;
  }

  function caseTable(data) {
    const list = rows(data);
    if (!list.length) return el("div", { class: "empty", text: "没有符合条件的逾期或临期案件。" });
    return el("table", { class: "grid", id: "cases" },
      el("thead", {}, el("tr", {}, ["乡镇", "案件编号", "类别", "状态", "法定期限", "超期/剩余（工作日）", "当前环节", ""].map((h) => el("th", { text: h })))),
      el("tbody", {}, list.map(([township, c]) => el("tr", { "data-case": c.id },
        el("td", { class: "region", text: townshipName(township), title: `${c.region_name || c.region}（${c.region}）` }),
        el("td", {}, el("a", { href: `/cases/${c.id}/view` }, c.number)),
        el("td", { text: label("kind", c.kind) }),
        el("td", {}, c.status === "overdue" ? el("span", { class: "badge red" }, "逾期") : el("span", { class: "badge amber" }, "临期")),
        el("td", { text: fmtDate(c.due_on) }),
        el("td", { class: "num", text: c.status === "overdue" ? `超期 ${c.working_days_over}` : `剩余 ${c.working_days_left}` }),
        el("td", { text: (c.stage || []).map((s) => STAGES[s] || s).join("、") || "—" }),
        el("td", {}, el("a", { href: `/cases/${c.id}/view` }, "流程图"))))));
  }

  function render() {
    const data = state.data;
    const statusSelect = el("select", { id: "status-filter", onchange: (e) => { state.status = e.target.value; render(); } },
      [["", "全部状态"], ["overdue", "逾期"], ["at_risk", "临期"]].map(([v, n]) => el("option", { value: v, selected: state.status === v }, n)));
    const townshipSelect = el("select", { id: "township-filter", onchange: (e) => { state.township = e.target.value; render(); } },
      el("option", { value: "" }, "全部乡镇"), data.townships.map((t) => el("option", { value: t.township, selected: state.township === t.township }, townshipName(t))));
    main.replaceChildren(
      el("section", { class: "stats" },
        stat("red", "逾期案件", data.totals.overdue, "total-overdue"),
        stat("amber", `临期案件（${data.at_risk_days} 个工作日内到期）`, data.totals.at_risk, "total-at-risk"),
        stat("purple", "阶段逾期", data.totals.stage_overdue, "total-stage-overdue"),
        stat("blue", "统计日期", data.as_of, "as-of")),
      el("div", { class: "dash" },
        el("section", { class: "card chart" }, el("header", {}, el("h2", { text: "各乡镇（街道）情况" }), el("span", { class: "hint", text: "点击一行筛选" })),
          el("div", { class: "body" }, data.townships.length ? chart(data.townships) : el("div", { class: "empty", text: "辖区内没有逾期或临期案件。" }))),
        el("section", { class: "card cases-card" },
          el("header", {}, el("h2", { text: "逾期与临期案件" }), el("div", { class: "filters" }, townshipSelect, statusSelect)),
          el("div", { class: "body" }, caseTable(data)))));
  }

  async function load() {
    try {
      state.data = await api("/supervision/overdue");
    } catch (error) {
      if (error.status === 401) { loginPrompt(main, "查看督办看板"); return; }
      const why = error.status === 403 ? ["督办看板供县级民政部门和管理员使用。"] : describe(error);
      main.replaceChildren(notice("error", "督办数据加载失败", why));
      return;
    }
    render();
    if (window.JiuzhuScrutiny) window.JiuzhuScrutiny.load();
  }

  mountAuth(load);
  if (!window.Jiuzhu.token()) loginPrompt(main, "查看督办看板");
})();
