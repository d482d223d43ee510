/* 版本对比: two versions of a process side by side; removed and changed elements marked on the older,
   added and changed on the newer (GET /processes/{key}/diff, the migration diff). */
(function () {
  "use strict";
  const { api, el, describe, notice, fmtTime } = window.Jiuzhu;

  function picker(id, versions, chosen) {
    return el("select", { id }, versions.map((v) => el("option", { value: v.version, selected: v.version === chosen },
      `第 ${v.version} 版　${fmtTime(v.deployed_at).slice(0, 10)}${v.note ? "　" + v.note.slice(0, 20) : ""}`)));
  }

  /** Show the given elements (or the whole diagram) at a readable zoom: at least half size, at most full size. */
  function focus(viewer, ids) {
    const canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry"), size = canvas.getSize();
    const shapes = ids.map((id) => registry.get(id)).filter((e) => e && !e.waypoints);
    if (!shapes.length) { canvas.zoom("fit-viewport", "auto"); return; }
    const x0 = Math.min(...shapes.map((e) => e.x)), y0 = Math.min(...shapes.map((e) => e.y));
    const x1 = Math.max(...shapes.map((e) => e.x + e.width)), y1 = Math.max(...shapes.map((e) => e.y + e.height));
    const scale = Math.max(0.5, Math.min(1, size.width / (x1 - x0 + 160), size.height / (y1 - y0 + 120)));
    const width = size.width / scale, height = size.height / scale;
    canvas.viewbox({ x: (x0 + x1) / 2 - width / 2, y: (y0 + y1) / 2 - height / 2, width, height });
  }

  async function draw(host, key, version, marks) {
    const viewer = new window.BpmnJS({ container: host });
    await viewer.importXML(await api(`/processes/${encodeURIComponent(key)}/versions/${version}/xml`));
    const canvas = viewer.get("canvas"), registry = viewer.get("elementRegistry");
    for (const [cls, ids] of Object.entries(marks)) for (const id of ids) if (registry.get(id)) canvas.addMarker(id, cls);
    focus(viewer, Object.values(marks).flat());
    host.dataset.ready = "true";
    return viewer;
  }

  function changeList(diff) {
    const rows = [["jz-added", "增加", diff.added], ["jz-removed", "删除", diff.removed], ["jz-changed", "修改", diff.changed]]
      .flatMap(([cls, what, items]) => items.map((e) => el("li", { class: cls, "data-element": e.element_id },
        el("span", { class: "badge " + cls, text: what }), ` ${e.name || ""}（${e.element_id}）`)));
    return rows.length ? el("ul", { class: "changes", id: "diff-changes" }, rows)
      : el("p", { class: "muted", id: "diff-changes", text: "两个版本的流程相同（可能只有布局不同）。" });
  }

  async function render(body, key, from, to) {
    body.replaceChildren(el("p", { class: "muted", text: "正在比较…" }));
    let diff;
    try {
      diff = await api(`/processes/${encodeURIComponent(key)}/diff?from_version=${from}&to_version=${to}`);
    } catch (error) {
      body.replaceChildren(notice("error", "无法比较这两个版本", describe(error)));
      return;
    }
    const ids = (items) => items.map((e) => e.element_id);
    const left = el("div", { class: "diagram", id: "diff-left" }), right = el("div", { class: "diagram", id: "diff-right" });
    body.replaceChildren(el("div", { class: "side-by-side" },
      el("section", {}, el("h3", { text: `第 ${from} 版` }), left), el("section", {}, el("h3", { text: `第 ${to} 版` }), right)),
    changeList(diff));
    const viewers = [await draw(left, key, from, { "jz-removed": ids(diff.removed), "jz-changed": ids(diff.changed) }),
      await draw(right, key, to, { "jz-added": ids(diff.added), "jz-changed": ids(diff.changed) })];
    body.querySelectorAll("#diff-changes li").forEach((li) => {
      li.title = "点击在两个版本中定位该元素";
      li.addEventListener("click", () => viewers.forEach((v) => focus(v, [li.dataset.element])));
    });
  }

  function open(host, key, versions, close) {
    const newest = versions[versions.length - 1].version, previous = versions[versions.length - 2].version;
    const from = picker("diff-from", versions, previous), to = picker("diff-to", versions, newest);
    const body = el("div", { class: "diff-body" });
    const rerender = () => render(body, key, Number(from.value), Number(to.value));
    from.addEventListener("change", rerender);
    to.addEventListener("change", rerender);
    host.replaceChildren(el("div", { class: "diff-bar" }, el("strong", { text: "版本对比" }), from, el("span", { text: "→" }), to,
      el("span", { class: "legend" }, el("span", { class: "badge jz-added", text: "增加" }), el("span", { class: "badge jz-removed", text: "删除" }),
        el("span", { class: "badge jz-changed", text: "修改" })),
      el("button", { class: "btn small", id: "diff-close", onclick: close }, "返回编辑")), body);
    rerender();
  }

  window.JiuzhuDiff = { open };
})();
