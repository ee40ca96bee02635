"""Public docs routes: `/docs` (HTML), `/docs/openapi.json` (merged), each service's own
OpenAPI and AsyncAPI document, and the optional Swagger UI viewer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.di import NamedDependency

from chassis.problems import Problem
from gateway.docs.catalog import DocsCatalog, DocsSnapshot
from gateway.docs.page import PAGE_CSP, VIEWER_CSP, VIEWER_JS, parse_documents, render_page
from gateway.docs.page import render_viewer as render_viewer_html

CSP = "Content-Security-Policy"
# The documents change when a service is redeployed; a short cache is enough.
CACHE = {"Cache-Control": "public, max-age=15"}


async def _snapshot(request: Request[Any, Any, Any], catalog: DocsCatalog) -> DocsSnapshot:
    async def gateway_openapi() -> Mapping[str, Any]:
        # The gateway's own document comes from the app itself, not over HTTP to ourselves.
        return request.app.openapi_schema.to_schema()

    return await catalog.snapshot(gateway_openapi)


def _json_file_name(file: str) -> str:
    """`appeals.json` -> `appeals`; anything else is a 404."""
    name, dot, ext = file.rpartition(".")
    if not dot or ext != "json":
        raise Problem(404, "Documents are served as <service>.json.")
    return name


class DocsController(Controller):
    """Browsable API docs for every service of the suite; public (GET only)."""

    path = "/docs"
    include_in_schema = False

    @get("/", media_type=MediaType.HTML, operation_id="get_docs_page")
    async def get_docs_page(
        self, request: Request[Any, Any, Any], docs_catalog: NamedDependency[DocsCatalog]
    ) -> Response[str]:
        """Every service with its status, documents, operations and events."""
        snapshot = await _snapshot(request, docs_catalog)
        asyncapi = parse_documents(
            (s.name, docs_catalog.asyncapi(s.name)) for s in snapshot.services
        )
        return Response(
            render_page(snapshot, asyncapi), media_type=MediaType.HTML, headers={CSP: PAGE_CSP}
        )

    @get("/openapi.json", operation_id="get_merged_openapi")
    async def get_merged_openapi(
        self, request: Request[Any, Any, Any], docs_catalog: NamedDependency[DocsCatalog]
    ) -> Response[Any]:
        """One OpenAPI 3.1 document for the gateway and every service that answered."""
        snapshot = await _snapshot(request, docs_catalog)
        return Response(dict(snapshot.merged), media_type=MediaType.JSON, headers=CACHE)

    @get("/openapi/{file:str}", operation_id="get_service_openapi")
    async def get_service_openapi(
        self,
        request: Request[Any, Any, Any],
        file: str,
        docs_catalog: NamedDependency[DocsCatalog],
    ) -> Response[Any]:
        """One service's own OpenAPI document, as the service publishes it."""
        name = _json_file_name(file)
        snapshot = await _snapshot(request, docs_catalog)
        service = snapshot.service(name)
        if service is None:
            raise Problem(404, f"There is no service '{name[:40]}'.")
        if service.openapi is None:
            raise Problem(503, f"The {name} service did not answer: {service.unavailable_reason}.")
        return Response(dict(service.openapi), media_type=MediaType.JSON, headers=CACHE)

    @get("/asyncapi/{file:str}", operation_id="get_service_asyncapi")
    async def get_service_asyncapi(
        self, file: str, docs_catalog: NamedDependency[DocsCatalog]
    ) -> Response[bytes]:
        """One service's committed AsyncAPI document (its Kafka events)."""
        name = _json_file_name(file)
        content = docs_catalog.asyncapi(name)
        if content is None:
            raise Problem(404, f"There is no AsyncAPI document for '{name[:40]}'.")
        return Response(content, media_type=MediaType.JSON, headers=CACHE)

    @get("/viewer", media_type=MediaType.HTML, operation_id="get_docs_viewer")
    async def get_docs_viewer(self) -> Response[str]:
        """Swagger UI over the merged document (needs JavaScript and the CDN)."""
        return Response(render_viewer_html(), media_type=MediaType.HTML, headers={CSP: VIEWER_CSP})

    @get("/viewer.js", operation_id="get_docs_viewer_script")
    async def get_docs_viewer_script(self) -> Response[str]:
        return Response(VIEWER_JS, media_type="text/javascript; charset=utf-8", headers=CACHE)
