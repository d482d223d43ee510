"""The canonical form of a BPMN or DMN file: what it means, apart from how it was written.

Two files that differ only in serialisation — attribute order, namespace prefixes, character
references, indentation, comments, the exporter's name — have the same canonical form. The
diagram-interchange part (shapes, edges, coordinates) is kept apart as the *layout*, so a deploy
can tell "nothing changed" from "only the layout changed" from "the process changed".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ..engine.loader import parse_xml

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
# Diagram interchange: where things are drawn, not what they do.
_LAYOUT_NAMESPACES = frozenset({
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DMNDI/",
})
# Attributes that say which tool wrote the file.
_TOOL_ATTRIBUTES = frozenset({"exporter", "exporterVersion"})


@dataclass(frozen=True)
class Canonical:
    """Digests of a file's process semantics and of its layout."""

    semantics: str
    layout: str


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _attribute(node: etree._Element, name: str, value: str) -> str:
    """``xsi:type="bpmn:tFormalExpression"`` names a type by prefix: compare it by namespace."""
    if name == XSI_TYPE and ":" in value:
        prefix, local = value.split(":", 1)
        return f"{{{node.nsmap.get(prefix, prefix)}}}{local}"
    return value


def _form(node: etree._Element) -> list[Any]:
    attributes = sorted((str(k), _attribute(node, str(k), str(v))) for k, v in node.attrib.items()
                        if str(k) not in _TOOL_ATTRIBUTES)
    children = [_form(child) for child in node if isinstance(child.tag, str)]
    return [str(node.tag), attributes, _text(node.text), children]


def _digest(form: Any) -> str:
    return hashlib.sha256(json.dumps(form, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def canonical(data: bytes) -> Canonical:
    """The digests of a file that parses (the deploy checks have already accepted it)."""
    root = parse_xml(data)
    layout: list[Any] = []
    for node in list(root.iter()):
        if isinstance(node.tag, str) and etree.QName(node).namespace in _LAYOUT_NAMESPACES \
                and (node.getparent() is None or etree.QName(node.getparent()).namespace not in _LAYOUT_NAMESPACES):
            layout.append(_form(node))
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    return Canonical(semantics=_digest(_form(root)), layout=_digest(layout))
