"""GeoReport v2's XML form of the same documents its JSON carries (`.xml` instead of `.json`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as ET  # builds XML, never parses client input

# The root element of each list and the element of each item, as the spec names them.
SERVICES = ("services", "service")
REQUESTS = ("service_requests", "request")
ERRORS = ("errors", "error")
ATTRIBUTES = ("attributes", "attribute")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, item: Mapping[str, Any]) -> None:
    for key, value in item.items():
        child = ET.SubElement(element, key)
        if isinstance(value, list):
            tag = ATTRIBUTES[1] if key == ATTRIBUTES[0] else "value"
            for entry in value:
                entry_element = ET.SubElement(child, tag)
                if isinstance(entry, Mapping):
                    _fill(entry_element, entry)
                else:
                    entry_element.text = _text(entry)
        else:
            child.text = _text(value)


def render_list(names: tuple[str, str], items: Sequence[Mapping[str, Any]]) -> bytes:
    root_name, item_name = names
    root = ET.Element(root_name)
    for item in items:
        _fill(ET.SubElement(root, item_name), item)
    return _serialize(root)


def render_one(root_name: str, item: Mapping[str, Any]) -> bytes:
    root = ET.Element(root_name)
    _fill(root, item)
    return _serialize(root)


def _serialize(root: ET.Element) -> bytes:
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
