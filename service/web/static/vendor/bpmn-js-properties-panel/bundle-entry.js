// The entry esbuild bundles into bpmn-js-properties-panel.min.js (global BpmnPropertiesPanel):
// the panel, its BPMN provider, and the entry components and hooks a custom provider needs.
export { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, useService } from "bpmn-js-properties-panel";
export {
  TextFieldEntry, TextAreaEntry, SelectEntry, CheckboxEntry, ListGroup,
  isTextFieldEntryEdited, isTextAreaEntryEdited, isSelectEntryEdited, isCheckboxEntryEdited,
} from "@bpmn-io/properties-panel";
export { h } from "@bpmn-io/properties-panel/preact";
