"""HTTP edge of Open311 GeoReport v2 under `/api/v1/{tenant}/open311/v2/`, in JSON or XML by
the path's suffix, errors in the spec's `[{"code", "description"}]` form; and the council's
registration of client apps under `/api/v1/{tenant}/open311/clients` (problem+json there)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import JSONBody

from chassis.auth import Principal
from chassis.logging import get_logger
from chassis.problems import FieldError, Problem
from services.appeals.open311 import RequestForm, open311_errors
from services.appeals.open311_use_cases import Open311Rejected, Open311UseCases
from services.appeals.open311_xml import ERRORS, REQUESTS, SERVICES, render_list, render_one
from services.appeals.openapi_docs import Open311Operation

log = get_logger("appeals.open311")
XML = "application/xml; charset=utf-8"
JSON = "application/json"


def _wants_xml(path: str) -> bool:
    return path.endswith(".xml")


def _reply(
    request: Request[Any, Any, Any], body: Any, xml: bytes, status: int = 200
) -> Response[Any]:
    if _wants_xml(request.url.path):
        return Response(xml, status_code=status, media_type=XML)
    return Response(body, status_code=status, media_type=JSON)


def _split_format(name: str) -> str:
    """`{id}.json` or `{id}.xml` -> `{id}`; any other suffix is not a resource here."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix not in ("json", "xml") or not stem:
        raise Open311Rejected(404, [FieldError("format", "use .json or .xml")])
    return stem


def _on_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, Open311Rejected):
        status, errors = exc.status, open311_errors(exc.errors, exc.status)
    elif isinstance(exc, Problem):
        status = exc.status
        errors = open311_errors(exc.errors, status) or [{"code": status, "description": exc.detail}]
    elif isinstance(exc, HTTPException | ValidationException):
        status, errors = exc.status_code, [{"code": exc.status_code, "description": exc.detail}]
    else:
        log.exception("open311.failed", path=request.url.path, error=type(exc).__name__)
        status, errors = 500, [{"code": 500, "description": "An unexpected error occurred."}]
    return _reply(request, errors, render_list(ERRORS, errors), status)


def per_format(name: str) -> Callable[..., str]:
    """One handler serves `.json` and `.xml`; OpenAPI needs an operation id for each path."""

    def operation_id(_: Any, __: Any, components: list[Any]) -> str:
        last = components[-1] if components else ""
        return f"{name}_xml" if isinstance(last, str) and last.endswith(".xml") else name

    return operation_id


def _date(request: Request[Any, Any, Any], name: str) -> datetime | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise Open311Rejected(400, [FieldError(name, "must be an ISO 8601 date-time")]) from None


class Open311Controller(Controller):
    """GeoReport v2; `jurisdiction_id` is accepted and ignored: the path names the council."""

    path = "/api/v1/{tenant:str}/open311/v2"
    tags = ["open311"]
    exception_handlers = {Exception: _on_error}

    @get(
        ["/services.json", "/services.xml"],
        operation_id=per_format("open311_list_services"),
        operation_class=Open311Operation,
    )
    async def list_services(
        self, request: Request[Any, Any, Any], tenant: str, open311: Open311UseCases
    ) -> Response[Any]:
        """The council's active appeal categories as Open311 services."""
        services = await open311.list_services(tenant)
        return _reply(request, services, render_list(SERVICES, services))

    @get(
        "/services/{service_file:str}",
        operation_id="open311_get_service",
        operation_class=Open311Operation,
    )
    async def get_service(
        self,
        request: Request[Any, Any, Any],
        tenant: str,
        service_file: str,
        open311: Open311UseCases,
    ) -> Response[Any]:
        definition = await open311.get_service(tenant, _split_format(service_file))
        return _reply(request, definition, render_one("service_definition", definition))

    @get(
        ["/requests.json", "/requests.xml"],
        operation_id=per_format("open311_list_requests"),
        operation_class=Open311Operation,
    )
    async def list_requests(
        self, request: Request[Any, Any, Any], tenant: str, open311: Open311UseCases
    ) -> Response[Any]:
        """Public service requests, without personal data."""
        params = request.query_params
        ids = [i.strip() for i in (params.get("service_request_id") or "").split(",") if i.strip()]
        status = params.get("status")
        if status not in (None, "", "open", "closed"):
            raise Open311Rejected(400, [FieldError("status", "must be open or closed")])
        found = await open311.list_requests(
            tenant,
            ids=ids,
            service_code=params.get("service_code") or None,
            status=status or None,
            start=_date(request, "start_date"),
            end=_date(request, "end_date"),
        )
        return _reply(request, found, render_list(REQUESTS, found))

    @get(
        "/requests/{request_file:str}",
        operation_id="open311_get_request",
        operation_class=Open311Operation,
    )
    async def get_request(
        self,
        request: Request[Any, Any, Any],
        tenant: str,
        request_file: str,
        open311: Open311UseCases,
    ) -> Response[Any]:
        found = [await open311.get_request(tenant, _split_format(request_file))]
        return _reply(request, found, render_list(REQUESTS, found))

    @post(
        ["/requests.json", "/requests.xml"],
        operation_id=per_format("open311_create_request"),
        operation_class=Open311Operation,
    )
    async def create_request(
        self,
        request: Request[Any, Any, Any],
        tenant: str,
        open311: Open311UseCases,
        maybe_principal: Principal | None,
    ) -> Response[Any]:
        """File a request (an appeal) with a client's `api_key` and the citizen's name, contact
        and address, or with a citizen's bearer token."""
        form = await request.form()
        api_key = form.get("api_key")
        created = [
            await open311.create_request(
                tenant,
                RequestForm.from_form(form),
                api_key.strip() if isinstance(api_key, str) else "",
                maybe_principal,
            )
        ]
        return _reply(request, created, render_list(REQUESTS, created), 201)


class ClientCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: str


class ClientView(msgspec.Struct):
    id: str
    name: str
    created_at: datetime


class ClientCreated(ClientView):
    """The key is shown in this answer only; the council stores nothing it could show again."""

    api_key: str


class Open311ClientController(Controller):
    path = "/api/v1/{tenant:str}/open311/clients"
    tags = ["open311"]

    @post("/", operation_id="open311_register_client", status_code=201)
    async def register_client(
        self,
        tenant: str,
        data: JSONBody[ClientCreate],
        principal: Principal,
        open311: Open311UseCases,
    ) -> ClientCreated:
        """Register an Open311 client app of the council (tenant_admin)."""
        client, api_key = await open311.register_client(tenant, principal, data.name)
        return ClientCreated(client.id, client.name, client.created_at, api_key)

    @get("/", operation_id="open311_list_clients")
    async def list_clients(
        self, tenant: str, principal: Principal, open311: Open311UseCases
    ) -> list[ClientView]:
        clients = await open311.list_clients(tenant, principal)
        return [ClientView(c.id, c.name, c.created_at) for c in clients]
