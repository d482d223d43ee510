"""Small BPMN documents for engine tests."""

from __future__ import annotations

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" xmlns:jiuzhu="urn:jiuzhu:bpmn:1" '
        'id="d" targetNamespace="urn:test">\n')


def diagram(body: str, *, executable: bool = True, lanes: str = "", process_id: str = "p") -> bytes:
    """A process with a start event, the given elements, and flows written by the caller."""
    flag = "true" if executable else "false"
    return (HEAD + f'<bpmn:process id="{process_id}" isExecutable="{flag}">{lanes}'
            '<bpmn:startEvent id="start"/>' + body + "</bpmn:process></bpmn:definitions>").encode()


def one_task(extension: str = "", lane: str = "township", condition: str | None = None) -> bytes:
    """start -> task (in a lane) -> gateway with a condition -> end."""
    lanes = (f'<bpmn:laneSet id="ls"><bpmn:lane id="l" name="{lane}"><bpmn:flowNodeRef>task</bpmn:flowNodeRef>'
             "</bpmn:lane></bpmn:laneSet>") if lane else ""
    cond = condition or "True"
    body = (f'<bpmn:userTask id="task" name="任务"><bpmn:extensionElements>{extension}</bpmn:extensionElements></bpmn:userTask>'
            '<bpmn:exclusiveGateway id="gw" default="f3"/><bpmn:endEvent id="end"/><bpmn:endEvent id="end2"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="task"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="task" targetRef="gw"/>'
            f'<bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end2"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{cond}'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"/>')
    return diagram(body, lanes=lanes)


def timer(expression: str) -> bytes:
    body = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">'
            f'{expression}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>')
    return diagram(body)


def script(text: str) -> bytes:
    body = (f'<bpmn:scriptTask id="calc" scriptFormat="python"><bpmn:script>{text}</bpmn:script></bpmn:scriptTask>'
            '<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="calc"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="calc" targetRef="end"/>')
    return diagram(body)
