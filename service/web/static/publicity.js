/* 长期公示: everyone on dibao or tekun in a place (GET /api/v1/publicity/beneficiaries) and the month's confirmed
   decisions (GET /api/v1/publicity/decisions). Public: no token. Everything shown goes in as text, never as HTML. */
(function () {
  "use strict";
  const { el, notice, describe, label, fmtDate } = window.Jiuzhu;
  const results = document.getElementById("results");
  const regionInput = document.getElementById("region");
  const monthInput = document.getElementById("month");

  async function get(path) {
    const response = await fetch("/api/v1" + path);
    const body = await response.json();
    if (!response.ok) throw Object.assign(new Error("failed"), { status: response.status, detail: body.detail });
    return body;
  }

  function name(value) { return value === null ? "（不公示）" : value; }
  /* 所在地: the township and village by name when the region register knows them, else the place as published */
  function place(i) {
    const named = (v) => Boolean(v) && !/^\d+$/.test(v);
    const text = named(i.village_name) ? [named(i.township_name) ? i.township_name : "", i.village_name].filter(Boolean).join(" ") : i.place;
    return el("td", { class: "place", text, title: i.place_name || i.place });
  }
  function money(value) { return value === null || value === undefined ? "—" : `${Number(value).toFixed(2)} 元`; }

  function listedTable(page) {
    if (!page.items.length) return el("div", { class: "empty", text: "该地区目前没有在保对象。" });
    return el("table", { class: "grid", id: "listed" },
      el("thead", {}, el("tr", {}, ["类别", "姓名", "家庭人口", "月救助金额", "所在地", "纳入保障"].map((h) => el("th", { text: h })))),
      el("tbody", {}, page.items.map((i) => el("tr", {}, el("td", { text: label("kind", i.kind) }), el("td", { text: name(i.name) }),
        el("td", { class: "num", text: String(i.household_size) }), el("td", { class: "num", text: money(i.amount) }),
        place(i), el("td", { text: fmtDate(i.since) })))));
  }

  function decisionTable(page) {
    if (!page.items.length) return el("div", { class: "empty", text: "该月没有审核确认的救助决定。" });
    return el("table", { class: "grid", id: "decisions" },
      el("thead", {}, el("tr", {}, ["编号", "类别", "姓名", "家庭人口", "救助金额", "所在地", "确认日期"].map((h) => el("th", { text: h })))),
      el("tbody", {}, page.items.map((i) => el("tr", {}, el("td", { text: i.case_number }),
        el("td", { text: label("kind", i.kind) + (i.after_the_fact ? "（急难型，事后公示）" : "") }), el("td", { text: name(i.name) }),
        el("td", { class: "num", text: String(i.household_size) }), el("td", { class: "num", text: money(i.amount) }),
        place(i), el("td", { text: fmtDate(i.decided_on) })))));
  }

  async function show(region, month) {
    if (!/^\d{6}(\d{3}(\d{3})?)?$/.test(region)) {
      results.replaceChildren(notice("error", "请输入 6 位、9 位或 12 位的区划代码")); return;
    }
    history.replaceState(null, "", `/publicity?region=${region}&month=${month}`);
    try {
      const [listed, decided] = await Promise.all([get(`/publicity/beneficiaries?region=${region}&page_size=200`),
        get(`/publicity/decisions?region=${region}&month=${month}&page_size=200`)]);
      results.replaceChildren(el("div", { class: "lists" },
        el("section", { class: "card" }, el("header", {}, el("h2", { text: `在保对象长期公示（共 ${listed.total} 户）` })),
          el("div", { class: "body" }, listedTable(listed))),
        el("section", { class: "card" }, el("header", {}, el("h2", { text: `${month} 审核确认结果（共 ${decided.total} 件）` })),
          el("div", { class: "body" }, decisionTable(decided)))));
    } catch (error) {
      results.replaceChildren(notice("error", "公示信息加载失败", describe(error)));
    }
  }

  const params = new URLSearchParams(location.search);
  const now = new Date();
  const lastMonth = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  regionInput.value = (params.get("region") || "").replace(/\D/g, "").slice(0, 12);
  monthInput.value = /^\d{4}-\d{2}$/.test(params.get("month") || "") ? params.get("month")
    : `${lastMonth.getFullYear()}-${String(lastMonth.getMonth() + 1).padStart(2, "0")}`;
  document.getElementById("query").addEventListener("submit", (e) => { e.preventDefault(); show(regionInput.value.trim(), monthInput.value); });
  if (regionInput.value) show(regionInput.value, monthInput.value);
})();
