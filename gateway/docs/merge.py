"""One OpenAPI 3.1 document for the whole suite, merged from each service's own document.

Only what the gateway serves goes in: a service's paths under `/api/v1/{tenant}/<service>`
(the proxied prefix) and all of the gateway's own paths. Component names are prefixed per
service (`appeals_AppealView`) and every `$ref` is rewritten to match, so two services may both
call a schema `Problem`. Pure functions: no I/O, the inputs are never mutated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from chassis.logging import get_logger
from gateway.docs.problems import PROBLEM_SCHEMA, PROBLEM_SCHEMA_NAME, with_problem_responses

log = get_logger("gateway.docs")

GATEWAY = "gateway"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
BEARER_SCHEME = "bearerAuth"
_LOCAL_REF = re.compile(r"#/components/([^/]+)/(.+)")


def is_public_path(service: str, path: str) -> bool:
    """Whether the gateway routes `path` to `service` (the gateway's own paths are all public)."""
    if service == GATEWAY:
        return True
    return re.fullmatch(rf"/api/v1/\{{[^}}/]+\}}/{re.escape(service)}(/.*)?", path) is not None


def component_prefix(service: str) -> str:
    return f"{service}_"


def _renamed_ref(ref: str, prefix: str) -> str:
    match = _LOCAL_REF.fullmatch(ref)
    if match is None or match.group(1) == "securitySchemes":
        return ref  # external refs stay; security schemes are replaced by ours
    return f"#/components/{match.group(1)}/{prefix}{match.group(2)}"


def rewrite_refs(node: Any, prefix: str) -> Any:
    """A copy of `node` whose local component refs point at the prefixed names."""
    if isinstance(node, list):
        return [rewrite_refs(item, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    copied: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            copied[key] = _renamed_ref(value, prefix)
        elif key == "discriminator" and isinstance(value, dict):
            # A discriminator's mapping values are refs too, written as plain strings.
            mapping = value.get("mapping") or {}
            copied[key] = {
                **value,
                **(
                    {"mapping": {k: _renamed_ref(v, prefix) for k, v in mapping.items()}}
                    if mapping
                    else {}
                ),
            }
        else:
            copied[key] = rewrite_refs(value, prefix)
    return copied


def merge_openapi(
    documents: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    unavailable: Mapping[str, str] | None = None,
    title: str = "Hromada API",
    version: str = "1.0.0",
) -> dict[str, Any]:
    """Merge `(service, document)` pairs in order; on a clash the earlier one wins."""
    paths: dict[str, dict[str, Any]] = {}
    components: dict[str, dict[str, Any]] = {}
    operation_ids: set[str] = set()
    tags: dict[str, str] = {}  # name -> description, in order of first use
    for service, document in documents:
        prefix = component_prefix(service)
        tags[service] = _title_of(document, service)
        for section, entries in (document.get("components") or {}).items():
            if section == "securitySchemes" or not isinstance(entries, dict):
                continue
            target = components.setdefault(section, {})
            for name, value in entries.items():
                target[f"{prefix}{name}"] = rewrite_refs(value, prefix)
        for path, item in (document.get("paths") or {}).items():
            if not is_public_path(service, path) or not isinstance(item, dict):
                continue
            merged_item = paths.setdefault(path, {})
            for key, value in rewrite_refs(item, prefix).items():
                if key not in HTTP_METHODS:
                    merged_item.setdefault(key, value)  # path-level parameters, summary
                elif key in merged_item:
                    log.warning("docs.operation_clash", path=path, method=key, service=service)
                else:
                    operation = with_problem_responses(
                        path, key, _tagged(value, service, operation_ids)
                    )
                    merged_item[key] = operation
                    for tag in operation.get("tags", []) if isinstance(operation, dict) else []:
                        tags.setdefault(tag, "")
    components = _referenced_only(components, paths)
    components["schemas"][PROBLEM_SCHEMA_NAME] = PROBLEM_SCHEMA  # every problem answer's shape
    components["securitySchemes"] = {
        BEARER_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "OIDC access token of the region's IdP (in dev: POST /auth/dev/token).",
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": _description(unavailable or {}),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": n, **({"description": d} if d else {})} for n, d in tags.items()],
        "paths": paths,
        "components": components,
        # Reads may be anonymous at the edge; changes need the bearer token.
        "security": [{}, {BEARER_SCHEME: []}],
        "x-unavailable-services": dict(unavailable or {}),
    }


def _refs_in(node: Any) -> set[str]:
    """Every local component ref under `node`, discriminator mappings included."""
    if isinstance(node, list):
        return {ref for item in node for ref in _refs_in(item)}
    if not isinstance(node, dict):
        return set()
    found = {r for r in [node.get("$ref")] if isinstance(r, str) and _LOCAL_REF.fullmatch(r)}
    mapping = node.get("mapping")
    if isinstance(mapping, dict):  # a discriminator's mapping values are refs too
        found |= {r for r in mapping.values() if isinstance(r, str) and _LOCAL_REF.fullmatch(r)}
    return found | {ref for value in node.values() for ref in _refs_in(value)}


def _referenced_only(
    components: dict[str, dict[str, Any]], paths: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """The components the kept paths reach, directly or through other components: a service's
    internal routes, or a second public name of the same deployment, add no dead schemas."""
    reached: set[str] = set()
    pending = _refs_in(paths)
    while pending:
        ref = pending.pop()
        if ref in reached:
            continue
        reached.add(ref)
        match = _LOCAL_REF.fullmatch(ref)
        if match:
            pending |= _refs_in(components.get(match.group(1), {}).get(match.group(2)))
    kept = {
        section: {n: v for n, v in entries.items() if f"#/components/{section}/{n}" in reached}
        for section, entries in components.items()
    }
    return {"schemas": {}, **{section: entries for section, entries in kept.items() if entries}}


def _tagged(operation: Any, service: str, operation_ids: set[str]) -> Any:
    """The operation grouped under its service (its own tags kept as `service: tag`), with an
    operationId unique in the document."""
    if not isinstance(operation, dict):
        return operation
    own = [str(t) for t in operation.get("tags") or []]
    operation = {**operation, "tags": [_service_tag(service, t) for t in own] or [service]}
    operation_id = operation.get("operationId")
    if isinstance(operation_id, str):
        if operation_id in operation_ids:
            operation_id = f"{service}_{operation_id}"
            operation["operationId"] = operation_id
        operation_ids.add(operation_id)
    return operation


def _service_tag(service: str, tag: str) -> str:
    """`appeals` and `appeals: staff workflow` stay; another service's or a bare tag is
    put under this service, so every group in a viewer belongs to one service."""
    if tag == service or tag.startswith(f"{service}:"):
        return tag
    return f"{service}: {tag}"


def _title_of(document: Mapping[str, Any], service: str) -> str:
    info = document.get("info")
    return str(info.get("title") or service) if isinstance(info, dict) else service


def _description(unavailable: Mapping[str, str]) -> str:
    text = (
        "Every service of the suite as the gateway serves it: `/api/v1/{tenant}/{service}/...`. "
        "Reads may be anonymous; every change needs a bearer token."
    )
    if unavailable:
        missing = ", ".join(f"{name} ({why})" for name, why in sorted(unavailable.items()))
        text += f"\n\nNot included because they did not answer: {missing}."
    return text


__all__ = [
    "BEARER_SCHEME",
    "GATEWAY",
    "HTTP_METHODS",
    "is_public_path",
    "merge_openapi",
    "rewrite_refs",
]
