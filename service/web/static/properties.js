/* The properties panel's 救助 groups for /designer: what makes a diagram run — a user task's role (its lane or an
   explicit <jiuzhu:role>), its stage deadline and form fields, a flow's condition, a script. Names, documentation
   and timers come from the panel's own BPMN groups. The deploy validator's problems are shown at their fields
   (the page fires propertiesPanel.setErrors with the entry ids below). */
(function () {
  "use strict";
  const P = window.BpmnPropertiesPanel;
  const { h, useService, TextFieldEntry, TextAreaEntry, SelectEntry, ListGroup } = P;
  const { isTextFieldEntryEdited, isTextAreaEntryEdited, isSelectEntryEdited } = P;
  const LANE_ROLES = { "村（居）委会": "village", "乡镇（街道）": "township", "县级民政部门": "county", village: "village", township: "township", county: "county" };
  const ROLE_NAMES = { village: "村（居）委会", township: "乡镇（街道）", county: "县级民政部门" };
  const FIELD_TYPES = ["string", "text", "boolean", "number", "integer", "date", "list", "enum", "attendees", "map", "document"];
  // a document field's kind (what the caseworker uploads); the server's list is service/engine/model.py DOCUMENT_KINDS
  const DOCUMENT_KINDS = [["", "（非材料字段）"], ["application", "申请材料"], ["home_visit_record", "入户调查表"],
    ["appraisal_record", "评议记录"], ["meeting_minutes", "会议纪要"], ["other", "其他材料"]];

  const is = (bo, type) => bo && bo.$instanceOf && bo.$instanceOf(type);
  const extensions = (bo) => (bo.extensionElements && bo.extensionElements.values) || [];
  const ext = (bo, type) => extensions(bo).find((v) => v.$type === type);

  /** The extension element of a type, created (undoably) when missing. */
  function ensure(element, type, attrs, services) {
    const { modeling, bpmnFactory } = services;
    const bo = element.businessObject;
    let container = bo.extensionElements;
    if (!container) {
      container = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
      modeling.updateProperties(element, { extensionElements: container });
    }
    let found = ext(bo, type);
    if (!found) {
      found = bpmnFactory.create(type, attrs || {});
      found.$parent = container;
      modeling.updateModdleProperties(element, container, { values: [...(container.values || []), found] });
    }
    return found;
  }

  function useServices() {
    return { modeling: useService("modeling"), bpmnFactory: useService("bpmnFactory"), debounce: useService("debounceInput") };
  }

  // -- a flow's condition ----------------------------------------------------------------------
  function ConditionEntry(props) {
    const { element, id } = props;
    const services = useServices();
    const bo = element.businessObject;
    return h(TextFieldEntry, {
      element, id, label: "条件表达式", debounce: services.debounce,
      description: "Python 风格，如 eligible and monthly_amount > 0；留空则无条件",
      getValue: () => (bo.conditionExpression && bo.conditionExpression.body) || "",
      setValue: (value) => {
        if (!value) { services.modeling.updateProperties(element, { conditionExpression: undefined }); return; }
        if (bo.conditionExpression) services.modeling.updateModdleProperties(element, bo.conditionExpression, { body: value });
        else services.modeling.updateProperties(element, { conditionExpression: services.bpmnFactory.create("bpmn:FormalExpression", { body: value }) });
      },
    });
  }

  function conditional(element) {
    const bo = element.businessObject;
    return is(bo, "bpmn:SequenceFlow") && bo.sourceRef && (is(bo.sourceRef, "bpmn:ExclusiveGateway") || is(bo.sourceRef, "bpmn:InclusiveGateway"))
      && bo.sourceRef.default !== bo;
  }

  // -- a user task's role and stage deadline ----------------------------------------------------
  function laneOf(element) {
    let lane = null;
    for (const l of (element.businessObject.lanes || [])) lane = l;
    if (lane) return lane.name || lane.id;
    const parent = element.parent && element.parent.businessObject;
    return parent && is(parent, "bpmn:Lane") ? parent.name : null;
  }

  function laneText(element) {
    const lane = laneOf(element);
    if (!lane) return "（不在泳道中）";
    const role = LANE_ROLES[String(lane).trim().replace("(", "（").replace(")", "）")];
    if (!role) return `${lane}（不是办理角色）`;
    return ROLE_NAMES[role] === lane ? `${lane}（${role}）` : `${lane} → ${ROLE_NAMES[role]}（${role}）`;
  }

  function LaneEntry(props) {
    const { element, id } = props;
    return h(TextFieldEntry, { element, id, label: "所在泳道（角色）", disabled: true, debounce: (fn) => fn, getValue: () => laneText(element), setValue: () => {} });
  }

  function RoleEntry(props) {
    const { element, id } = props;
    const services = useServices();
    return h(TextFieldEntry, {
      element, id, label: "指定角色（表达式，覆盖泳道）", debounce: services.debounce,
      description: "如 confirmer（取自决策表）；留空则按泳道",
      getValue: () => { const r = ext(element.businessObject, "jiuzhu:Role"); return (r && r.value) || ""; },
      setValue: (value) => {
        const role = ext(element.businessObject, "jiuzhu:Role");
        if (!value && role) {
          const container = element.businessObject.extensionElements;
          services.modeling.updateModdleProperties(element, container, { values: container.values.filter((v) => v !== role) });
        } else if (value) {
          services.modeling.updateModdleProperties(element, ensure(element, "jiuzhu:Role", {}, services), { value });
        }
      },
    });
  }

  function deadlineEntry(attr, label) {
    return function DeadlineEntry(props) {
      const { element, id } = props;
      const services = useServices();
      return h(TextFieldEntry, {
        element, id, label, debounce: services.debounce,
        description: attr === "workingDays" ? "如 rule('investigation_days')：天数来自规则包" : null,
        getValue: () => { const d = ext(element.businessObject, "jiuzhu:Deadline"); return (d && d[attr]) || ""; },
        setValue: (value) => services.modeling.updateModdleProperties(element, ensure(element, "jiuzhu:Deadline", {}, services),
          { [attr]: value || undefined }),
      });
    };
  }
  const WorkingDaysEntry = deadlineEntry("workingDays", "阶段期限（工作日）");
  const CalendarDaysEntry = deadlineEntry("calendarDays", "阶段期限（自然日）");

  // -- a user task's form fields -----------------------------------------------------------------
  function fieldAttr(field, attr, label, kind) {
    return function FieldEntry(props) {
      const { element, id } = props;
      const services = useServices();
      const common = {
        element, id, label,
        getValue: () => field[attr] || "",
        setValue: (value) => services.modeling.updateModdleProperties(element, field, { [attr]: value || undefined }),
      };
      if (kind === "type") return h(SelectEntry, Object.assign(common, { getOptions: () => FIELD_TYPES.map((t) => ({ value: t, label: t })) }));
      if (kind === "kind") {
        return h(SelectEntry, Object.assign(common, { getOptions: () => DOCUMENT_KINDS.map(([value, text]) => ({ value, label: value ? `${text}（${value}）` : text })) }));
      }
      if (kind === "required") {
        return h(SelectEntry, Object.assign(common, { getOptions: () => [{ value: "", label: "必填" }, { value: "false", label: "选填" }] }));
      }
      return h(TextFieldEntry, Object.assign(common, { debounce: services.debounce }));
    };
  }

  const FIELD_ATTRS = [
    ["name", "字段名（英文）"], ["label", "标签"], ["type", "类型", "type"], ["required", "是否必填", "required"],
    ["requiredWhen", "必填条件（表达式）"], ["options", "选项（逗号分隔）"], ["minItems", "最少条数"],
    ["min", "最小值"], ["max", "最大值"], ["exclusiveMin", "须大于"], ["kind", "材料类别（类型为 document 时）", "kind"],
  ];

  function formGroup(element, services) {
    const form = ext(element.businessObject, "jiuzhu:Form");
    const fields = (form && form.fields) || [];
    return {
      id: "jz-form", label: "表单字段", component: ListGroup, element,
      add: (event) => {
        event.stopPropagation();
        const target = ensure(element, "jiuzhu:Form", {}, services);
        const field = services.bpmnFactory.create("jiuzhu:Field", { name: `field_${(target.fields || []).length + 1}`, type: "string", label: "新字段" });
        field.$parent = target;
        services.modeling.updateModdleProperties(element, target, { fields: [...(target.fields || []), field] });
      },
      items: fields.map((field) => ({
        id: `jz-field-${field.name}`, label: `${field.label || field.name}（${field.name}）`,
        autoFocusEntry: `jz-field-${field.name}-label`,
        remove: () => services.modeling.updateModdleProperties(element, form, { fields: form.fields.filter((f) => f !== field) }),
        entries: FIELD_ATTRS.map(([attr, label, kind]) => ({
          id: `jz-field-${field.name}-${attr}`, component: fieldAttr(field, attr, label, kind),
          isEdited: kind ? isSelectEntryEdited : isTextFieldEntryEdited,
        })),
      })),
    };
  }

  // -- scripts ---------------------------------------------------------------------------------
  function ScriptEntry(props) {
    const { element, id } = props;
    const services = useServices();
    const bo = element.businessObject;
    return h(TextAreaEntry, {
      element, id, label: "脚本（Python 风格赋值）", debounce: services.debounce, rows: 4, monospace: true,
      getValue: () => bo.script || "", setValue: (value) => services.modeling.updateProperties(element, { script: value }),
    });
  }

  class JiuzhuPropertiesProvider {
    constructor(propertiesPanel, injector) {
      propertiesPanel.registerProvider(400, this);
      this.services = { modeling: injector.get("modeling"), bpmnFactory: injector.get("bpmnFactory") };
    }

    getGroups(element) {
      return (groups) => {
        const bo = element.businessObject;
        const mine = [];
        if (conditional(element)) {
          mine.push({ id: "jz-condition-group", label: "流转条件", shouldOpen: true, entries: [{ id: "jz-condition", component: ConditionEntry, isEdited: isTextFieldEntryEdited }] });
        }
        if (is(bo, "bpmn:UserTask")) {
          mine.push({ id: "jz-role-group", label: "办理角色", shouldOpen: true, entries: [
            { id: "jz-lane", component: LaneEntry }, { id: "jz-role", component: RoleEntry, isEdited: isTextFieldEntryEdited }] });
          mine.push({ id: "jz-deadline-group", label: "阶段期限", shouldOpen: true, entries: [
            { id: "jz-deadline-working", component: WorkingDaysEntry, isEdited: isTextFieldEntryEdited },
            { id: "jz-deadline-calendar", component: CalendarDaysEntry, isEdited: isTextFieldEntryEdited }] });
          mine.push(formGroup(element, this.services));
        }
        if (is(bo, "bpmn:ScriptTask")) {
          mine.push({ id: "jz-script-group", label: "脚本", shouldOpen: true, entries: [{ id: "jz-script", component: ScriptEntry, isEdited: isTextAreaEntryEdited }] });
        }
        // after 常规 (name, id); before documentation and the rest
        return groups.slice(0, 1).concat(mine, groups.slice(1));
      };
    }
  }
  JiuzhuPropertiesProvider.$inject = ["propertiesPanel", "injector"];

  /** The panel's entry id for a problem's field (see service/definitions/messages.py). */
  function entryFor(problem) {
    const field = problem.field || "";
    if (field === "condition") return ["jz-condition"];
    if (field === "timer") return ["timerEventDefinitionValue"];
    if (field === "deadline") return ["jz-deadline-working", "jz-deadline-calendar"];
    if (field === "role") return ["jz-role"];
    if (field === "script") return ["jz-script"];
    if (field.startsWith("form.")) {
      const name = field.slice(5);
      return [`jz-field-${name}-${/requiredWhen/.test(problem.reason || "") ? "requiredWhen" : "name"}`];
    }
    return [];
  }

  const ZH = {
    General: "常规", Name: "名称", ID: "标识（ID）", Documentation: "说明", "Element documentation": "元素说明",
    "Process documentation": "流程说明", Timer: "定时", Type: "类型", Value: "值", Date: "日期", Duration: "时长", Cycle: "周期",
    "<none>": "（无）", "Process name": "流程名称", "Process ID": "流程标识", Executable: "可执行", "Version tag": "版本标签",
    "Activate the hand tool": "抓手工具", "Activate the lasso tool": "套索工具", "Activate the create/remove space tool": "空间工具",
    "Activate the global connect tool": "连线工具", "Create start event": "开始事件", "Create end event": "结束事件",
    "Create task": "任务", "Create gateway": "网关", "Create intermediate/boundary event": "中间/边界事件",
    "Create pool/participant": "池", "Create expanded sub-process": "子流程", "Create data object reference": "数据对象",
    "Create data store reference": "数据存储", "Create group": "分组", "Delete": "删除", "Change element": "更改类型",
    "Append task": "追加任务", "Append end event": "追加结束事件", "Append gateway": "追加网关", "Connect to other element": "连线",
    "Add text annotation": "添加注释", "Append intermediate/boundary event": "追加中间事件", "Add lane above": "在上方加泳道",
    "Add lane below": "在下方加泳道", "Divide into two lanes": "分为两条泳道", "Divide into three lanes": "分为三条泳道",
    "Select an element to edit its properties.": "选择一个元素以编辑其属性。", "Multiple elements are selected.": "选中了多个元素。",
    "ID must be unique.": "标识须唯一。", "ID must not be empty.": "标识不能为空。",
    "Sequence Flow": "顺序流", "User Task": "人工任务", "Script Task": "脚本任务", "Business Rule Task": "业务规则任务",
    "Exclusive Gateway": "排他网关", "Parallel Gateway": "并行网关", "Inclusive Gateway": "包容网关", "Event Based Gateway": "事件网关",
    "Start Event": "开始事件", "End Event": "结束事件", "Timer Intermediate Catch Event": "定时事件",
    "Message Intermediate Catch Event": "消息事件", "Intermediate Throw Event": "中间事件", "Collaboration": "协作",
    "Participant": "池", "Lane": "泳道", "Process": "流程", "Task": "任务",
  };
  function translate(template, replacements) {
    const text = ZH[template] || template;
    return text.replace(/{([^}]+)}/g, (_, key) => (replacements && replacements[key] !== undefined ? replacements[key] : `{${key}}`));
  }

  window.JiuzhuProperties = {
    module: { __init__: ["jiuzhuPropertiesProvider"], jiuzhuPropertiesProvider: ["type", JiuzhuPropertiesProvider] },
    translateModule: { translate: ["value", translate] },
    entryFor,
  };
})();
