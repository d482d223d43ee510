/* 流程设计: open a deployed BPMN diagram (bpmn-js modeler with the properties panel) or DMN decision table (table
   editor), edit, validate (problems at their element and field), try the table against the open cases (what-if),
   deploy it as a new version with a change note, and compare two versions on the diagram. */
(function () {
  "use strict";
  const { api, el, describe, notice, mountAuth, fmtTime, label } = window.Jiuzhu;
  const $ = (id) => document.getElementById(id);
  const state = { doc: null, definitions: [], modeler: null, table: null, problems: {} };
  window.jiuzhuDesigner = state;  // the modeler and table, for people scripting the page and for its tests
  const PALETTE = 130;  // px at the diagram's left kept free for the palette (two columns wide)

  function show(which) {
    $("canvas").hidden = $("properties").hidden = which !== "bpmn";
    $("dmn-editor").hidden = which !== "dmn";
    $("diff-view").hidden = which !== "diff";
    $("empty").hidden = which !== null;
    for (const id of ["validate", "download", "deploy"]) $(id).disabled = which === null || which === "diff";
    $("what-if").disabled = which !== "dmn";
    $("compare").disabled = !(state.doc && state.doc.type === "bpmn" && state.doc.key && versionsOf(state.doc.key).length > 1);
  }

  function results(...nodes) { $("results").replaceChildren(...nodes); }
  function versionsOf(key) { const d = state.definitions.find((x) => x.key === key); return d ? d.versions : []; }

  // -- the list of deployed definitions, with each version's change note ----------------------
  function versionNotes(d) {
    const noted = d.versions.filter((v) => v.note || v.layout_only);
    if (!noted.length) return null;
    return el("ol", { class: "notes" }, noted.map((v) => el("li", { "data-version": v.version },
      el("b", { text: `v${v.version}` }), " ", v.note || "", v.layout_only ? el("span", { class: "badge", text: "仅布局" }) : null)));
  }

  async function loadDefinitions() {
    try {
      state.definitions = (await api("/processes")).items;
    } catch (error) {
      $("definitions").replaceChildren(el("li", {}, notice("error", "无法读取已部署的定义", describe(error))));
      return;
    }
    $("definitions").replaceChildren(...state.definitions.map((d) => el("li", { "data-key": d.key },
      el("div", { class: "row" }, el("span", { class: "name", text: d.name }), el("span", { class: "badge " + (d.type === "dmn" ? "green" : "blue"), text: label("type", d.type) })),
      el("div", { class: "key", text: d.key }),
      el("div", { class: "versions" }, d.versions.map((v) => el("button", {
        class: "btn small" + (state.doc && state.doc.key === d.key && state.doc.version === v.version ? " current" : ""),
        title: `${v.filename}，${fmtTime(v.deployed_at)} 由 ${v.deployed_by} 部署${v.note ? "：" + v.note : ""}`, "data-version": v.version,
        onclick: () => openDeployed(d, v.version),
      }, `v${v.version}`))), versionNotes(d))));
    show(state.doc ? (state.doc.type === "dmn" ? "dmn" : $("diff-view").hidden ? "bpmn" : "diff") : null);
  }

  // -- the modeler -------------------------------------------------------------------------------
  async function modeler() {
    if (state.modeler) return state.modeler;
    const descriptor = await (await fetch("/static/jiuzhu-moddle.json")).json();
    const P = window.BpmnPropertiesPanel, J = window.JiuzhuProperties;
    state.modeler = new window.BpmnJS({
      container: $("canvas"), moddleExtensions: { jiuzhu: descriptor },
      propertiesPanel: { parent: "#properties", layout: { groups: { timer: { open: true }, documentation: { open: false } } } },
      additionalModules: [P.BpmnPropertiesPanelModule, P.BpmnPropertiesProviderModule, J.module, J.translateModule],
    });
    const bus = state.modeler.get("eventBus");
    bus.on("selection.changed", () => showFieldErrors());
    bus.on("elements.changed", ({ elements }) => {  // an edited element's old problems no longer hold
      if (elements.some((e) => state.problems[e.id])) { for (const e of elements) delete state.problems[e.id]; showFieldErrors(); }
    });
    return state.modeler;
  }

  /** Readable, not squeezed to fit: 100 % from the diagram's top left, clear of the palette. */
  function readableZoom(canvas) {
    const inner = canvas.viewbox().inner, size = canvas.getSize();
    canvas.viewbox({ x: inner.x - PALETTE, y: inner.y - 20, width: size.width, height: size.height });
  }

  // -- opening -------------------------------------------------------------------------------
  async function openDeployed(definition, version) {
    try {
      const xml = await api(`/processes/${encodeURIComponent(definition.key)}/versions/${version}/xml`);
      await openXml(xml, { key: definition.key, version, type: definition.type, name: definition.name, filename: `${definition.key}.${definition.type}` });
    } catch (error) {
      results(notice("error", "打开失败", describe(error)));
    }
  }

  async function openXml(xml, doc) {
    results();
    state.doc = doc;
    state.problems = {};
    if (doc.type === "dmn") {
      state.table = state.table || new window.DmnTable($("dmn-editor"));
      state.table.load(xml);
      show("dmn");
    } else {
      const m = await modeler();
      show("bpmn");
      const { warnings } = await m.importXML(xml);
      readableZoom(m.get("canvas"));
      if (warnings.length) results(notice("info", `导入时有 ${warnings.length} 条提示`, warnings.slice(0, 5).map((w) => w.message)));
    }
    $("doc-title").textContent = doc.name || doc.key || doc.filename;
    $("doc-meta").textContent = doc.version ? `${doc.key} · 第 ${doc.version} 版 · ${label("type", doc.type)}` : `${doc.filename} · 本地文件`;
    $("canvas").dataset.ready = doc.type === "bpmn" ? "true" : "false";
    loadDefinitions();
  }

  async function openFile(file) {
    const xml = await file.text();
    const type = /DMN\/|dmn\.xsd/.test(xml.slice(0, 2000)) ? "dmn" : "bpmn";
    try {
      await openXml(xml, { type, filename: file.name, name: file.name });
    } catch (error) {
      show(null);
      results(notice("error", "无法打开该文件", [String(error.message || error)]));
    }
  }

  // -- the current file ----------------------------------------------------------------------
  async function currentXml() {
    if (state.doc.type === "dmn") return state.table.xml();
    return (await state.modeler.saveXML({ format: true })).xml;
  }

  function uploadFile(path, file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return api(path, { method: "POST", body: form });
  }

  async function upload(path, extra) {
    const form = new FormData();
    form.append("file", new Blob([await currentXml()], { type: "application/xml" }), state.doc.filename);
    for (const [k, v] of Object.entries(extra || {})) form.append(k, v);
    return api(path, { method: "POST", body: form });
  }

  // -- problems: on the diagram, in the list, at their field in the properties panel ------------
  function markErrors(problems) {
    state.problems = {};
    for (const p of problems) if (p.element_id) (state.problems[p.element_id] = state.problems[p.element_id] || []).push(p);
    if (!state.modeler || state.doc.type !== "bpmn") return;
    const canvas = state.modeler.get("canvas"), registry = state.modeler.get("elementRegistry");
    for (const e of registry.getAll()) canvas.removeMarker(e, "jz-error");
    for (const id of Object.keys(state.problems)) if (registry.get(id)) canvas.addMarker(id, "jz-error");
    showFieldErrors();
  }

  function showFieldErrors() {
    if (!state.modeler) return;
    const selected = state.modeler.get("selection").get()[0];
    const errors = {};
    for (const p of (selected && state.problems[selected.id]) || []) {
      for (const entry of window.JiuzhuProperties.entryFor(p)) errors[entry] = p.msg.replace(/^「[^」]*」/, "").replace(/^（[^）]*）：/, "");
    }
    state.modeler.get("eventBus").fire("propertiesPanel.setErrors", { errors });
  }

  /** Select the element and bring it to the middle of the view at a readable zoom. */
  function focusElement(id) {
    if (!state.modeler || !id) return;
    const element = state.modeler.get("elementRegistry").get(id);
    if (!element) return;
    const canvas = state.modeler.get("canvas");
    const scale = Math.max(canvas.zoom(), 1), size = canvas.getSize();
    const [cx, cy] = element.waypoints ? [element.waypoints[0].x, element.waypoints[0].y] : [element.x + element.width / 2, element.y + element.height / 2];
    const width = size.width / scale, height = size.height / scale;
    canvas.viewbox({ x: cx - width / 2, y: cy - height / 2, width, height });
    state.modeler.get("selection").select(element);
  }

  function refusal(title, error) {
    const problems = Array.isArray(error.detail) ? error.detail : [];
    markErrors(problems);
    const box = notice("error", title, describe(error));
    box.querySelectorAll("li").forEach((li, i) => {
      const id = problems[i] && problems[i].element_id;
      if (id) { li.dataset.element = id; li.title = "点击定位到该元素"; li.addEventListener("click", () => focusElement(id)); }
    });
    return box;
  }

  function comparison(r, version) {
    if (r.unchanged) return `与第 ${r.same_as || version} 版相同（仅写法不同也视为相同），无需部署。`;
    if (r.layout_only) return `流程与第 ${r.newest_version} 版相同，仅布局有变化；部署将保存为第 ${r.would_deploy_as} 版并注明“仅布局”。`;
    return null;
  }

  async function validate() {
    try {
      const r = await upload("/processes/validate");
      markErrors([]);
      results(notice("ok", "校验通过：" + (comparison(r) || `${r.name}（${r.key}）可部署为第 ${r.would_deploy_as} 版。`)));
    } catch (error) {
      results(refusal("校验未通过", error));
    }
  }

  function askDeploy() {
    $("deploy-what").textContent = `${state.doc.name || state.doc.filename}：部署后新案件使用新版本，办理中的案件保持原版本。`;
    $("deploy-note").value = "";
    $("deploy-dialog").showModal();
    $("deploy-note").focus();
  }

  async function deploy(note) {
    try {
      const r = await upload("/processes", note ? { note } : {});
      markErrors([]);
      state.doc = Object.assign({}, state.doc, { key: r.key, version: r.version, name: r.name });
      $("doc-meta").textContent = `${r.key} · 第 ${r.version} 版 · ${label("type", r.type)}`;
      if (state.table && r.type === "dmn") state.table.load(await currentXml());
      const text = !r.created ? `与已部署的第 ${r.version} 版相同，未产生新版本。`
        : `已部署：${r.name}（${r.key}）第 ${r.version} 版${r.layout_only ? "（仅布局变化，流程与上一版相同）" : ""}。新案件将使用此版本，办理中的案件保持原版本。`;
      results(notice("ok", text, r.note ? ["变更说明：" + r.note] : []));
      $("results").firstChild.setAttribute("id", "deploy-result");
      await loadDefinitions();
    } catch (error) {
      results(refusal("部署被拒绝", error));
    }
  }

  function whatIfTable(all) {
    const items = all.flatMap((r) => r.items.map((i) => Object.assign({ process: r.process }, i)));
    if (!items.length) return el("p", { class: "muted", text: "辖区内没有办理中的案件。" });
    return el("table", { class: "grid whatif-table", id: "what-if-table" },
      el("thead", {}, el("tr", {}, ["案件", "类别", "区划", "当前环节", "确认机关", "试算结果"].map((h) => el("th", { text: h })))),
      el("tbody", {}, items.map((i) => el("tr", { "data-case": i.case_id },
        el("td", {}, el("a", { href: `/cases/${i.case_id}/view`, target: "_blank" }, i.number)),
        el("td", { text: label("kind", i.kind) }), el("td", { text: i.region }), el("td", { text: i.position_names.join("、") }),
        el("td", { class: "confirmer" }, !i.confirmer ? el("span", { class: "muted", text: "—" })
          : i.confirmer.changed ? el("span", { class: "badge amber", text: `${label("role", i.confirmer.current)} → ${label("role", i.confirmer.candidate)}` })
            : el("span", { text: label("role", i.confirmer.current) })),
        el("td", {}, i.error ? el("span", { class: "badge red", text: "无法试算：" + i.error })
          : i.changed ? i.summary.map((s) => el("div", {}, el("span", { class: "badge amber" }, "将改变"), " ", s))
            : el("span", { class: "muted", text: (i.routes || []).some((r) => r.already_decided) ? "已过该决策环节，不受影响" : "无变化" }))))));
  }

  async function whatIf(pack) {  // pack: a rule-pack file to try; else the table being edited
    const processes = state.definitions.filter((d) => d.type === "bpmn");
    const answers = [];
    try {
      for (const p of processes) {
        const path = `/processes/${encodeURIComponent(p.key)}/what-if`;
        try {
          answers.push(await (pack ? uploadFile(path, pack) : upload(path)));
        } catch (error) {
          if (!(error.status === 422 && describe(error).some((l) => l.includes("does not call")))) throw error;
        }
      }
    } catch (error) {
      results(refusal("影响分析失败", error));
      return;
    }
    const total = answers.reduce((n, a) => n + a.cases, 0), changed = answers.reduce((n, a) => n + a.changed, 0);
    const confirmers = answers.reduce((n, a) => n + (a.confirmer_changes || 0), 0);
    const what = pack ? `规则包 ${pack.name}` : "决策表";
    results(notice(changed ? "info" : "ok", `${what}影响分析（未部署）：${total} 件办理中案件，其中 ${changed} 件的办理路径或期限将改变，${confirmers} 件的确认机关将改变。`,
      ["办理中的案件保持原版本；部署后新案件按新规则办理，已有案件须经迁移才适用。"]), whatIfTable(answers));
  }

  async function download() {
    const blob = new Blob([await currentXml()], { type: "application/xml" });
    const a = el("a", { href: URL.createObjectURL(blob), download: state.doc.filename || "diagram.bpmn" });
    document.body.append(a); a.click(); a.remove();
  }

  function compare() {
    show("diff");
    results();
    window.JiuzhuDiff.open($("diff-view"), state.doc.key, versionsOf(state.doc.key), () => show("bpmn"));
  }

  $("validate").addEventListener("click", validate);
  $("deploy").addEventListener("click", askDeploy);
  $("deploy-dialog").addEventListener("close", () => { if ($("deploy-dialog").returnValue === "deploy") deploy($("deploy-note").value.trim()); });
  $("what-if").addEventListener("click", () => whatIf(null));
  $("pack-file").addEventListener("change", (e) => { const file = e.target.files[0]; e.target.value = ""; if (file) whatIf(file); });
  $("compare").addEventListener("click", compare);
  $("download").addEventListener("click", download);
  $("open-file").addEventListener("change", (e) => { if (e.target.files[0]) openFile(e.target.files[0]); });
  show(null);
  mountAuth(loadDefinitions);
})();
