"""The HTML of `/docs`: every service, its status, links to its OpenAPI and AsyncAPI documents,
and its operations and events as plain HTML, so the page is useful with JavaScript off. Also the
optional interactive viewer. Every upstream text is escaped: a service's document is data."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from gateway.docs.catalog import DocsSnapshot, ServiceDocs
from gateway.docs.merge import HTTP_METHODS, is_public_path

SWAGGER_UI = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.18.2"

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d0d7de}
code,td.path{font-family:ui-monospace,monospace}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.25rem .6rem;border-bottom:1px solid #eaeef2;vertical-align:top}
.method{font-weight:600;text-transform:uppercase;width:5rem}
.ok{color:#1a7f37}.down{color:#cf222e}.muted{color:#57606a}
"""
_CSS_HASH = base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()

# No script at all on the page; the one inline style block is allowed by its hash.
PAGE_CSP = (
    f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Swagger UI comes from the CDN; its start-up script is ours (/docs/viewer.js), not inline.
VIEWER_CSP = (
    "default-src 'none'; script-src 'self' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

VIEWER_JS = """window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/docs/openapi.json", dom_id: "#swagger-ui", deepLinking: true
  });
});
"""


def render_viewer() -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Hromada API · Swagger UI</title>"
        f'<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css"></head>'
        '<body><div id="swagger-ui"><p>Loading Swagger UI from cdn.jsdelivr.net… Without '
        'JavaScript use <a href="/docs">the plain docs page</a>.</p></div>'
        f'<script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>'
        '<script src="/docs/viewer.js"></script></body></html>'
    )


def render_page(snapshot: DocsSnapshot, asyncapi: Mapping[str, Mapping[str, Any]]) -> str:
    """The docs page; `asyncapi` holds the parsed AsyncAPI document of each service having one."""
    toc = "".join(
        f'<li><a href="#{_e(s.name)}">{_e(s.name)}</a> {_status(s)}</li>' for s in snapshot.services
    )
    sections = "".join(_service_section(s, asyncapi.get(s.name)) for s in snapshot.services)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Hromada API docs</title><style>{_CSS}</style></head><body>"
        "<h1>Hromada API</h1>"
        '<p class="muted">Документація API громади · API documentation</p>'
        "<p>Every public route goes through this gateway as "
        "<code>/api/v1/{tenant}/{service}/…</code>. Reads may be anonymous; every change needs "
        "an OIDC bearer token (in dev: <code>POST /auth/dev/token</code>). Errors are "
        "<code>application/problem+json</code> (RFC 9457).</p><ul>"
        '<li><a href="/docs/openapi.json">Merged OpenAPI 3.1 document</a> (all services)</li>'
        '<li><a href="/docs/viewer">Interactive viewer</a> (Swagger UI; loads JavaScript from '
        "cdn.jsdelivr.net)</li></ul>"
        f"<h2>Services</h2><ul>{toc}</ul>{sections}</body></html>"
    )


def _service_section(service: ServiceDocs, asyncapi: Mapping[str, Any] | None) -> str:
    links = []
    if service.available:
        links.append(f'<a href="/docs/openapi/{_e(service.name)}.json">OpenAPI</a>')
    if asyncapi is not None:
        links.append(f'<a href="/docs/asyncapi/{_e(service.name)}.json">AsyncAPI (events)</a>')
    title = _e(str((service.openapi or {}).get("info", {}).get("title", "")))
    parts = [
        f'<h2 id="{_e(service.name)}">{_e(service.name)} {_status(service)}</h2>',
        f'<p class="muted">{title}</p>' if title else "",
        f"<p>{' · '.join(links)}</p>" if links else "",
    ]
    if not service.available:
        parts.append(
            f'<p class="down">Unavailable: {_e(service.unavailable_reason or "")}. Its '
            "operations are missing from the merged document until it answers again.</p>"
        )
    else:
        parts.append(_operations_table(service))
    if asyncapi is not None:
        parts.append(_events_table(asyncapi))
    return "".join(parts)


def _operations_table(service: ServiceDocs) -> str:
    rows = "".join(
        f'<tr><td class="method">{_e(method)}</td><td class="path">{_e(path)}</td>'
        f"<td>{_e(summary)}</td></tr>"
        for method, path, summary in operations(service.name, service.openapi or {})
    )
    if not rows:
        return '<p class="muted">No HTTP operations yet.</p>'
    return (
        "<table><thead><tr><th>method</th><th>path</th><th>what it does</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _events_table(asyncapi: Mapping[str, Any]) -> str:
    channels = asyncapi.get("channels") or {}
    rows = []
    for operation in (asyncapi.get("operations") or {}).values():
        ref = str((operation.get("channel") or {}).get("$ref", ""))
        name = ref.rsplit("/", 1)[-1]
        channel = channels.get(name) or {}
        verb = "publishes" if operation.get("action") == "send" else "consumes"
        rows.append(
            f"<tr><td>{_e(verb)}</td><td><code>{_e(name)}</code></td>"
            f"<td><code>{_e(str(channel.get('address', '')))}</code></td>"
            f"<td>{_e(str(channel.get('description') or ''))}</td></tr>"
        )
    if not rows:
        return '<p class="muted">No events yet.</p>'
    return (
        "<table><thead><tr><th>events</th><th>channel</th><th>Kafka topic</th><th>meaning</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def operations(service: str, document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(method, path, one-line summary) of each operation the gateway serves, sorted by path."""
    found = []
    for path, item in (document.get("paths") or {}).items():
        if not is_public_path(service, path) or not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.append((method.upper(), path, _summary(operation)))
    return sorted(found, key=lambda op: (op[1], HTTP_METHODS.index(op[0].lower())))


def _summary(operation: Mapping[str, Any]) -> str:
    """The description's first line; else the summary, which Litestar derives from the handler
    name in CamelCase (`ListTenants` -> `List tenants`)."""
    description = str(operation.get("description") or "").strip()
    if description:
        return description.splitlines()[0]
    summary = str(operation.get("summary") or "")
    if " " not in summary:
        summary = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", summary).capitalize()
    return summary


def _status(service: ServiceDocs) -> str:
    if service.available:
        return '<span class="ok">● available</span>'
    return '<span class="down">● unavailable</span>'


def _e(text: str) -> str:
    return escape(text, quote=True)


def parse_documents(raw: Iterable[tuple[str, bytes | None]]) -> dict[str, Mapping[str, Any]]:
    """Parsed AsyncAPI documents by service; an unreadable one is left out of the page."""
    parsed: dict[str, Mapping[str, Any]] = {}
    for name, content in raw:
        if content is None:
            continue
        try:
            document = json.loads(content)
        except ValueError:
            continue
        if isinstance(document, dict):
            parsed[name] = document
    return parsed
