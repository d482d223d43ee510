/* 案件流程图: the case's diagram, its tokens, its completed path, its deadlines, its open tasks and history. */
(function () {
  "use strict";
  const { api, el, describe, notice, mountAuth, loginPrompt, fmtDate, fmtTime, fmtDeadline, label } = window.Jiuzhu;
  const main = document.getElementById("main");
  const caseId = Number((location.pathname.match(/\/cases\/(\d+)\/view/) || [])[1]);

  function statusBadge(c) {
    if (c.status === "active" && c.overdue) return el("span", { class: "badge red", id: "case-status" }, "已逾期");
    const cls = { active: "blue", approved: "green", rejected: "red" }[c.status] || "";
    return el("span", { class: "badge " + cls, id: "case-status" }, label("status", c.status));
  }

  function deadlineText(c) {
    if (!c.due_on) return "未受理，期限未起算";
    if (c.status !== "active") return fmtDate(c.due_on);
    const left = c.working_days_left;
    return `${fmtDate(c.due_on)} 24:00 届满（${left >= 0 ? "剩余 " + left : "超期 " + -left} 个工作日）`;
  }

  /** The region by name, province to village, with its code (the code alone when the register does not know it). */
  function regionText(c) {
    return c.region_label && c.region_label !== c.region ? `${c.region_label}（${c.region}）` : c.region;
  }

  function header(c) {
    const facts = [
      ["救助类别", label("kind", c.kind)], ["申请人", c.applicant.name], ["行政区划", regionText(c)],
      ["受理日期", fmtDate(c.accepted_on)], ["法定办结期限", deadlineText(c)], ["流程版本", `${c.process.key} v${c.process.version}`],
    ];
    return el("section", { class: "card case-head" },
      el("h1", { id: "case-number" }, c.number), statusBadge(c), c.extended ? el("span", { class: "badge amber" }, "已延期") : null,
      el("dl", { class: "facts" }, facts.map(([k, v]) => el("div", {}, el("dt", { text: k }), el("dd", { text: v })))));
  }

  /** Every token: open tasks with who does them and their stage limit, waiting events with when they fall due. */
  function positionList(c) {
    if (!c.positions.length) return el("p", { class: "muted", text: c.status === "active" ? "没有进行中的环节。" : "案件已办结。" });
    const tasks = Object.fromEntries(c.tasks.map((t) => [t.element_id, t]));
    return el("ul", { class: "tasks", id: "positions" }, c.positions.map((p) => {
      const t = tasks[p.element_id];
      const detail = t ? `办理人：${label("role", t.role)}　阶段期限：${fmtDate(t.due_on)}`
        : `等待${p.kind === "timer" || p.kind === "event_gateway" ? "期限届满" : "事件"}：${p.due_at ? fmtDeadline(p.due_at) : "—"}`;
      return el("li", { "data-element": p.element_id },
        el("strong", { text: p.name }), el("span", { class: "hint", text: detail }),
        t && t.overdue ? el("span", { class: "badge red" }, "阶段逾期") : null);
    }));
  }

  function timeline(events, names) {
    return el("ul", { class: "timeline", id: "history" }, events.map((e) => el("li", {},
      el("div", {}, el("strong", { text: label("event", e.type) }),
        e.element_id ? el("span", { class: "muted" }, "　" + (names[e.element_id] || e.element_id)) : null),
      el("div", { class: "when", text: `${fmtTime(e.at)}　${e.actor}` }))));
  }

  /** A flow was taken when its source completed and its target completed or holds a token now. */
  function takenFlows(registry, done, current) {
    return registry.filter((e) => e.type === "bpmn:SequenceFlow").filter((f) => {
      const s = f.businessObject.sourceRef, t = f.businessObject.targetRef;
      return s && t && done.has(s.id) && (done.has(t.id) || current.has(t.id));
    });
  }

  function decorate(viewer, c, path) {
    const canvas = viewer.get("canvas"), overlays = viewer.get("overlays"), registry = viewer.get("elementRegistry");
    const current = new Set(path.positions.map((p) => p.element_id));
    const done = new Set(path.completed);
    for (const id of done) if (registry.get(id) && !current.has(id)) canvas.addMarker(id, "jz-done");
    for (const flow of takenFlows(registry.getAll(), done, current)) canvas.addMarker(flow.id, "jz-done-flow");
    const taskDue = Object.fromEntries(c.tasks.map((t) => [t.element_id, t]));
    for (const p of path.positions) {
      if (!registry.get(p.element_id)) continue;
      canvas.addMarker(p.element_id, "jz-current");
      overlays.add(p.element_id, "jz-here", { position: { top: -12, left: -6 }, html: '<div class="jz-here">当前</div>' });
      const task = taskDue[p.element_id];
      const due = task ? task.due_on : p.due_at;
      if (due) {
        const late = task ? task.overdue : new Date(p.due_at) < new Date();
        const text = task ? `期限 ${fmtDate(due).slice(5)}` : `届满 ${fmtDeadline(due, true)}`;
        const below = registry.get(p.element_id).type.endsWith("Task") ? -8 : -34;  // events carry their label below
        overlays.add(p.element_id, "jz-due", { position: { bottom: below, left: -4 }, html: `<div class="jz-due${late ? " late" : ""}">${text}</div>` });
      }
    }
    focus(canvas, registry, path.positions);
  }

  /** Fit the diagram; when that makes it too small to read, zoom in on where the case is now. */
  function focus(canvas, registry, positions) {
    const fitted = canvas.zoom("fit-viewport", "auto");
    const here = positions.map((p) => registry.get(p.element_id)).find((e) => e && e.type.endsWith("Task"))
      || positions.map((p) => registry.get(p.element_id)).find(Boolean);
    if (fitted >= 0.75 || !here) return;
    const box = canvas.viewbox(), scale = 0.9;
    const width = box.outer.width / scale, height = box.outer.height / scale;
    canvas.viewbox({ x: here.x + here.width / 2 - width / 2, y: here.y + here.height / 2 - height / 2, width, height });
  }

  async function load() {
    if (!caseId) { main.replaceChildren(notice("error", "地址中没有案件编号")); return; }
    let c, path, history, xml;
    try {
      [c, path, history] = await Promise.all([api(`/cases/${caseId}`), api(`/cases/${caseId}/path`), api(`/cases/${caseId}/history`)]);
      xml = await api(`/processes/${encodeURIComponent(c.process.key)}/versions/${c.process.version}/xml`);
    } catch (error) {
      if (error.status === 401) { loginPrompt(main, "查看案件流程图"); return; }
      main.replaceChildren(notice("error", error.status === 404 ? "找不到该案件，或不在您的管辖区域内。" : "加载失败", error.status === 404 ? [] : describe(error)));
      return;
    }
    document.title = `${c.number} 案件流程图 · 救助`;
    const canvasHost = el("div", { class: "diagram", id: "canvas" });
    const historyHost = el("div", { class: "body" }, timeline(history, {}));
    main.replaceChildren(header(c), el("div", { class: "case-layout" },
      el("section", { class: "card diagram-card" },
        el("header", {}, el("h2", { text: "流程图" }), el("div", { class: "legend" },
          el("span", {}, el("i", { class: "cur" }), "当前所在"), el("span", {}, el("i", { class: "done" }), "已完成"),
          el("span", {}, el("i", { class: "due" }), "期限"))), canvasHost),
      el("div", { class: "side" },
        el("section", { class: "card" }, el("header", {}, el("h2", { text: "当前环节" })), el("div", { class: "body" }, positionList(c))),
        el("section", { class: "card" }, el("header", {}, el("h2", { text: "办理记录" })), historyHost))));
    const viewer = new window.BpmnJS({ container: canvasHost });
    try {
      await viewer.importXML(xml);
      const names = Object.fromEntries(viewer.get("elementRegistry").getAll().map((e) => [e.id, e.businessObject.name]).filter(([, n]) => n));
      historyHost.replaceChildren(timeline(history, names));
      decorate(viewer, c, path);
      canvasHost.dataset.ready = "true";
    } catch (error) {
      canvasHost.replaceChildren(notice("error", "流程图无法显示", [String(error.message || error)]));
    }
  }

  mountAuth(load);
  if (!window.Jiuzhu.token()) loginPrompt(main, "查看案件流程图");
})();
