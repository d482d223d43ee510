/* A decision-table editor for DMN files: edits the cells, descriptions and rules of the file's one
   decision table in place, so everything else in the XML is kept exactly as it was. */
(function () {
  "use strict";
  const { el } = window.Jiuzhu;

  function kids(node, name) { return Array.from(node ? node.children : []).filter((c) => c.localName === name); }
  function kid(node, name) { return kids(node, name)[0] || null; }
  function textOf(node) { const t = kid(node, "text"); return t ? t.textContent : ""; }

  class DmnTable {
    constructor(host) { this.host = host; this.doc = null; this.original = new Map(); }

    load(xmlText) {
      const doc = new DOMParser().parseFromString(xmlText, "application/xml");
      if (doc.getElementsByTagName("parsererror").length) throw new Error("不是格式正确的 XML");
      const decision = Array.from(doc.documentElement.children).find((c) => c.localName === "decision");
      this.table = decision && kid(decision, "decisionTable");
      if (!this.table) throw new Error("文件中没有决策表（decisionTable）");
      this.doc = doc; this.decision = decision;
      this.original = new Map(kids(this.table, "rule").map((r) => [r.getAttribute("id"), this.cells(r).map(textOf).join("\u0001")]));
      this.render();
    }

    cells(rule) { return [...kids(rule, "inputEntry"), ...kids(rule, "outputEntry")]; }

    xml() { return new XMLSerializer().serializeToString(this.doc); }

    setText(entry, value) {
      let t = kid(entry, "text");
      if (!t) { t = this.doc.createElementNS(entry.namespaceURI, "text"); entry.appendChild(t); }
      t.textContent = value;
    }

    setDescription(rule, value) {
      let d = kid(rule, "description");
      if (!d) { d = this.doc.createElementNS(rule.namespaceURI, "description"); rule.insertBefore(d, rule.firstElementChild); }
      d.textContent = value;
    }

    uniqueId(base) {
      let n = 1, id = base;
      while (this.doc.querySelector(`[id="${id}"]`)) id = `${base}_${++n}`;
      return id;
    }

    addRule(after) {
      const rules = kids(this.table, "rule");
      const source = after || rules[rules.length - 1];
      const copy = source.cloneNode(true);
      copy.setAttribute("id", this.uniqueId("rule_" + (rules.length + 1)));
      for (const entry of this.cells(copy)) entry.setAttribute("id", this.uniqueId(copy.getAttribute("id") + "_" + entry.localName));
      source.after(copy);
      this.render();
    }

    move(rule, delta) {
      const rules = kids(this.table, "rule"), i = rules.indexOf(rule), j = i + delta;
      if (j < 0 || j >= rules.length) return;
      if (delta < 0) rules[j].before(rule); else rules[j].after(rule);
      this.render();
    }

    remove(rule) {
      if (kids(this.table, "rule").length <= 1) return;
      rule.remove();
      this.render();
    }

    render() {
      const inputs = kids(this.table, "input"), outputs = kids(this.table, "output");
      const hit = this.table.getAttribute("hitPolicy") || "UNIQUE";
      const head = el("tr", {}, el("th", { text: "#" }),
        inputs.map((i) => el("th", { class: "input" }, i.getAttribute("label") || i.getAttribute("id"), el("code", { text: textOf(kid(i, "inputExpression")) }))),
        outputs.map((o) => el("th", { class: "output" }, o.getAttribute("label") || o.getAttribute("name"), el("code", { text: o.getAttribute("name") || "" }))),
        el("th", { text: "说明" }), el("th", { text: "" }));
      const body = kids(this.table, "rule").map((rule, index) => {
        const changed = this.original.get(rule.getAttribute("id")) !== this.cells(rule).map(textOf).join("\u0001");
        const cell = (entry, cls) => el("td", { class: cls + (changed ? " changed" : "") },
          el("textarea", { rows: 1, text: textOf(entry), spellcheck: "false", "data-entry": entry.getAttribute("id") || "", "aria-label": entry.getAttribute("id") || "",
            oninput: (e) => { this.setText(entry, e.target.value); e.target.closest("td").classList.add("changed"); } }));
        const desc = kid(rule, "description");
        return el("tr", { "data-rule": rule.getAttribute("id") },
          el("td", { class: "idx", text: String(index + 1) }),
          kids(rule, "inputEntry").map((e) => cell(e, "input")), kids(rule, "outputEntry").map((e) => cell(e, "output")),
          el("td", { class: "desc" }, el("textarea", { rows: 1, text: desc ? desc.textContent : "", "aria-label": "说明",
            oninput: (e) => this.setDescription(rule, e.target.value) })),
          el("td", { class: "ops" },
            el("button", { class: "btn small", title: "上移", onclick: () => this.move(rule, -1) }, "↑"),
            el("button", { class: "btn small", title: "下移", onclick: () => this.move(rule, 1) }, "↓"),
            el("button", { class: "btn small", title: "在下方复制一条规则", onclick: () => this.addRule(rule) }, "⧉"),
            el("button", { class: "btn small", title: "删除规则", onclick: () => this.remove(rule) }, "✕")));
      });
      this.host.replaceChildren(
        el("div", { class: "meta" }, el("strong", { text: this.decision.getAttribute("name") || this.decision.getAttribute("id") }),
          el("span", { class: "hint", text: `决策 ID：${this.decision.getAttribute("id")}　命中策略：${hit}（${hit === "FIRST" ? "按顺序取第一条匹配的规则" : hit}）` })),
        el("table", { class: "dmn", id: "dmn-table" }, el("thead", {}, head), el("tbody", {}, body)),
        el("p", { class: "hint", text: "单元格是表达式：留空表示任意值；“? in (\"dibao\", \"tekun\")”、“? <= rule('…')” 等以 ? 代表该列输入；输出如 \"county\"。黄色底色为已修改的规则。" }));
    }
  }

  window.DmnTable = DmnTable;
})();
