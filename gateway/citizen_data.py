"""Citizen data rights at the edge (Law 2297-VI "On Personal Data Protection", Art. 8).

`GET /api/v1/{tenant}/me/export` gathers what every service holds about the caller into ONE
JSON document: a manifest line per service and each service's own export. `DELETE
/api/v1/{tenant}/me` asks every service to erase or anonymise what it may, and reports what
each one retains and why. Each service answers for itself at `/api/v1/{tenant}/{service}/me`;
a service without that route holds nothing personal ("nothing held"). The caller is the token's
`sub`; every service verifies the token again and scopes to the council in the path.

These static routes win over the proxy's `/api/v1/{tenant}/{service}/...`, so `me` is never
forwarded as if it were a service.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, delete, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from chassis.auth import Principal
from gateway.fanout import Answer, ServiceFanout
from gateway.tenants import TenantDirectory, resolve_tenant

EXPORT_FORMAT = "hromada.personal-data-export.v1"
LEGAL_BASIS = "Law of Ukraine 2297-VI 'On Personal Data Protection', Art. 8"
NOTHING_HELD = "nothing held"
UNAVAILABLE = "unavailable"


def manifest_entry(answer: Answer, done: str) -> dict[str, Any]:
    """One service's line: `done` (included/erased), nothing held, or unavailable."""
    if answer.ok:
        entry: dict[str, Any] = {"service": answer.service, "status": done}
        entry["retained"] = answer.body.get("retained") or []
        if "erased" in answer.body:
            entry["erased"] = answer.body["erased"]
        return entry
    if answer.has_no_such_route:
        return {"service": answer.service, "status": NOTHING_HELD, "retained": []}
    reason = f"HTTP {answer.status}" if answer.status else answer.error or "no answer"
    return {"service": answer.service, "status": UNAVAILABLE, "reason": reason, "retained": []}


def _retained(manifest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"service": e["service"], **note} for e in manifest for note in e["retained"]]


def assemble_export(
    tenant: str, sub: str, answers: Iterable[Answer], now: datetime
) -> dict[str, Any]:
    """The one export document from every service's answer."""
    answers = list(answers)
    manifest = [manifest_entry(a, "included") for a in answers]
    return {
        "format": EXPORT_FORMAT,
        "legal_basis": LEGAL_BASIS,
        "tenant": tenant,
        "subject": sub,
        "generated_at": now,
        "complete": all(e["status"] != UNAVAILABLE for e in manifest),
        "manifest": manifest,
        "retained": _retained(manifest),
        "services": {a.service: a.body.get("data", {}) for a in answers if a.ok},
    }


def assemble_erasure(
    tenant: str, sub: str, answers: Iterable[Answer], now: datetime
) -> dict[str, Any]:
    """What each service erased, and what it retains with the reason."""
    manifest = [manifest_entry(a, "erased") for a in answers]
    return {
        "legal_basis": LEGAL_BASIS,
        "tenant": tenant,
        "subject": sub,
        "erased_at": now,
        "complete": all(e["status"] != UNAVAILABLE for e in manifest),
        "manifest": manifest,
        "retained": _retained(manifest),
    }


class CitizenDataController(Controller):
    path = "/api/v1/{tenant:str}/me"
    tags = ["data rights"]

    @get("/export", operation_id="export_my_data")
    async def export_my_data(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        principal: NamedDependency[Principal],
        tenant_directory: NamedDependency[TenantDirectory],
        service_fanout: NamedDependency[ServiceFanout],
    ) -> dict[str, Any]:
        """Everything the suite holds about the caller in this council, as one JSON document."""
        await resolve_tenant(tenant_directory, tenant)
        calls = [(s, f"/api/v1/{tenant}/{s}/me/export") for s in service_fanout.services]
        answers = await service_fanout.call_each("GET", calls, request.headers["authorization"])
        return assemble_export(tenant, principal.sub, answers, datetime.now(UTC))

    @delete("/", operation_id="erase_my_data", status_code=200)
    async def erase_my_data(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        principal: NamedDependency[Principal],
        tenant_directory: NamedDependency[TenantDirectory],
        service_fanout: NamedDependency[ServiceFanout],
    ) -> dict[str, Any]:
        """Erase or anonymise what the law allows; the answer lists what is retained and why.
        Safe to repeat (e.g. when `complete` is false because a service was unavailable)."""
        # Resolved as a read: a deactivated (read-only) council's citizens keep this right.
        await resolve_tenant(tenant_directory, tenant)
        calls = [(s, f"/api/v1/{tenant}/{s}/me") for s in service_fanout.services]
        answers = await service_fanout.call_each("DELETE", calls, request.headers["authorization"])
        return assemble_erasure(tenant, principal.sub, answers, datetime.now(UTC))
