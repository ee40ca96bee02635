"""The object endpoints of the merged OpenAPI document (a path naming a record: `{appeal_id}`,
`{petition_id}`, ...) and, for each, the smallest body its schema accepts, so that an intruder's
request is refused for who sends it, not for what it carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
# Streams that never end; the hall board is public anyway.
SKIPPED = re.compile(r"/board/stream$")


@dataclass(frozen=True)
class ObjectOperation:
    method: str
    path: str
    body: Any
    file_field: str | None  # the multipart part carrying the file, if the body is multipart


def minimal(schema: Any, components: dict[str, Any], depth: int = 0) -> Any:
    """The smallest instance of a JSON schema: required members only, first enum value."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "$ref" in schema:
        return minimal(components.get(schema["$ref"].split("/")[-1]), components, depth + 1)
    for key in ("oneOf", "anyOf"):
        options = [s for s in schema.get(key, []) if s.get("type") != "null"]
        if options:
            return minimal(options[0], components, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            name: minimal(props.get(name, {}), components, depth + 1)
            for name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "string":
        return "Перевірка доступу"[: schema.get("maxLength", 200)] or "x"
    return None


def object_operations(document: dict[str, Any], record_params: set[str]) -> list[ObjectOperation]:
    """Every operation whose path names one of `record_params` (and no other placeholder
    besides the council), with a minimal body."""
    components = document.get("components", {}).get("schemas", {})
    found = []
    for path, item in document["paths"].items():
        names = set(re.findall(r"\{(\w+)\}", path)) - {"tenant"}
        if not names or not names <= record_params or SKIPPED.search(path):
            continue
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            content = (operation.get("requestBody") or {}).get("content", {})
            file_field = None
            if "multipart/form-data" in content:
                form = content["multipart/form-data"].get("schema") or {}
                if "$ref" in form:
                    form = components.get(form["$ref"].split("/")[-1], {})
                file_field = next(iter(form.get("required") or ["file"]))
            body = None
            if "application/json" in content:
                body = minimal(content["application/json"].get("schema"), components)
            found.append(ObjectOperation(method.upper(), path, body, file_field))
    return found
