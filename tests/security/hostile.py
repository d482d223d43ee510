"""Small hostile diagrams for the ``dibao`` process key, so that cases can be opened on them."""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..engine.diagrams import diagram

BOMB = "len(str([[{x}] * 100000] * 10000)) > 0"  # a short list of references to one long list, printed
PASS = '<bpmn:intermediateThrowEvent id="{id}"/>'  # an element the engine passes through at once
FORM = ('<jiuzhu:form><jiuzhu:field name="n" type="integer" label="n" required="false"/>'
        '<jiuzhu:field name="since" type="string" label="since" required="false"/></jiuzhu:form>')


def _lanes(*tasks: str) -> str:
    refs = "".join(f"<bpmn:flowNodeRef>{t}</bpmn:flowNodeRef>" for t in tasks)
    return f'<bpmn:laneSet id="ls"><bpmn:lane id="l" name="township">{refs}</bpmn:lane></bpmn:laneSet>'


def _task(element_id: str, extension: str = "", inner: str = "") -> str:
    return (f'<bpmn:userTask id="{element_id}" name="{element_id}"><bpmn:extensionElements>{extension}'
            f"</bpmn:extensionElements>{inner}</bpmn:userTask>")


def _flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    body = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}</bpmn:conditionExpression>'
            if condition else "")
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">{body}</bpmn:sequenceFlow>'


def around(middle: str, first: str = "middle", last: str = "middle", *, after_extension: str = "", extra: str = "") -> bytes:
    """start → task (form n, since) → ``middle`` elements (entered at ``first``, left at ``last``) → after → end."""
    body = (_task("task", FORM) + middle + _task("after", after_extension) + '<bpmn:endEvent id="end"/>' + extra
            + _flow("f1", "start", "task") + _flow("f2", "task", first) + _flow("f3", last, "after") + _flow("f4", "after", "end"))
    return diagram(body, lanes=_lanes("task", "after"), process_id="dibao")


def gateway(condition: str) -> bytes:
    middle = ('<bpmn:exclusiveGateway id="middle" default="g2"/><bpmn:endEvent id="other"/>'
              + _flow("g1", "middle", "join", condition) + _flow("g2", "middle", "other") + PASS.format(id="join"))
    return around(middle, "middle", "join")


def script(text: str) -> bytes:
    return around(f'<bpmn:scriptTask id="middle" scriptFormat="python"><bpmn:script>{escape(text)}</bpmn:script></bpmn:scriptTask>')


def multi_instance(cardinality: str) -> bytes:
    return around('<bpmn:scriptTask id="middle" scriptFormat="python"><bpmn:multiInstanceLoopCharacteristics isSequential="false">'
                  f"<bpmn:loopCardinality>{escape(cardinality)}</bpmn:loopCardinality>"
                  "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>k = 1</bpmn:script></bpmn:scriptTask>")


def cycle(expression: str) -> bytes:
    """A non-interrupting cycle timer on the second task."""
    extra = ('<bpmn:boundaryEvent id="reminder" attachedToRef="after" cancelActivity="false"><bpmn:timerEventDefinition>'
             f"<bpmn:timeCycle>{escape(expression)}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
             '<bpmn:endEvent id="reminded"/>' + _flow("r1", "reminder", "reminded"))
    return around(PASS.format(id="middle"), extra=extra)


def endless_loop() -> bytes:
    """A script task and a gateway that sends it back to itself for ever."""
    middle = ('<bpmn:scriptTask id="middle" scriptFormat="python"><bpmn:script>k = 1</bpmn:script></bpmn:scriptTask>'
              '<bpmn:exclusiveGateway id="again" default="l2"/>' + PASS.format(id="out")
              + _flow("l0", "middle", "again") + _flow("l1", "again", "middle", "True") + _flow("l2", "again", "out"))
    return around(middle, "middle", "out")


def calls_itself() -> bytes:
    return around('<bpmn:callActivity id="middle" calledElement="dibao"/>')


def standard_loop(attributes: str = "") -> bytes:
    return around(f'<bpmn:scriptTask id="middle" scriptFormat="python"><bpmn:standardLoopCharacteristics {attributes}>'
                  '<bpmn:loopCondition>False</bpmn:loopCondition></bpmn:standardLoopCharacteristics>'
                  "<bpmn:script>k = 1</bpmn:script></bpmn:scriptTask>")


def timer_then(text: str) -> bytes:
    """task → a timer due a minute after it → a script → after: the script runs when the timer fires."""
    middle = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>\'PT1M\'</bpmn:timeDuration>'
              '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
              f'<bpmn:scriptTask id="middle" scriptFormat="python"><bpmn:script>{escape(text)}</bpmn:script></bpmn:scriptTask>'
              + _flow("w1", "wait", "middle"))
    return around(middle, "wait", "middle")
