"""The regional dashboard (platform_admin only): every service's figures per council and
overall. Each service publishes its own at `/api/v1/{tenant}/{service}/stats`, and may answer
for many councils at once at `/api/v1/platform/{service}/stats?tenants=a,b` (a service-internal
route, not proxied). The gateway asks every service at once, each within a timeout. A service
without figures, or one that does not answer, shows `null` — never a 500 for the dashboard."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency

from chassis.auth import Principal
from chassis.guards import require_platform_admin
from gateway.fanout import Answer, ServiceFanout
from gateway.tenants import Tenant, TenantDirectory

# Figures that are ratios of two summable figures: recomputed overall, never summed.
DERIVED_PERCENTAGES = {"answered_on_time_pct": ("answered_on_time", "answered")}
# Keys that describe the answer rather than count something.
_NOT_FIGURES = frozenset({"tenant", "as_of"})


def figures_of(answer: Answer) -> dict[str, Any] | None:
    if not answer.ok:
        return None
    return {k: v for k, v in answer.body.items() if k not in _NOT_FIGURES}


def availability(answers: Sequence[Answer]) -> str:
    """One service across councils: ok, not available yet (no route), or unreachable."""
    if any(a.ok for a in answers):
        return "ok"
    if answers and all(a.has_no_such_route for a in answers):
        return "not available yet"
    return "unreachable"


def combine(per_tenant: Sequence[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    """Overall figures of one service: counts and sums add up, percentages are recomputed,
    anything else (a median, say) cannot be combined from parts and is left out."""
    present = [f for f in per_tenant if f is not None]
    if not present:
        return None
    total: dict[str, Any] = {}
    for figures in present:
        for key, value in figures.items():
            summable = isinstance(value, int | float) and not isinstance(value, bool)
            if summable and key not in DERIVED_PERCENTAGES and "median" not in key:
                total[key] = total.get(key, 0) + value
    for key, (part, whole) in DERIVED_PERCENTAGES.items():
        if any(key in f for f in present):
            denominator = total.get(whole) or 0
            total[key] = round(100.0 * total.get(part, 0) / denominator, 1) if denominator else None
    return total


def build_dashboard(
    tenants: Sequence[Tenant], columns: Mapping[str, Sequence[Answer]], now: datetime
) -> dict[str, Any]:
    """`columns`: per service, its answers for `tenants`, in the same order."""
    per_tenant: list[dict[str, Any]] = [
        {
            "slug": tenant.slug,
            "name": dict(tenant.name),
            "services": {service: figures_of(answers[i]) for service, answers in columns.items()},
        }
        for i, tenant in enumerate(tenants)
    ]
    return {
        "as_of": now,
        "tenants": per_tenant,
        "overall": {
            service: combine([t["services"][service] for t in per_tenant]) for service in columns
        },
        "availability": {service: availability(answers) for service, answers in columns.items()},
    }


def split_by_tenant(answer: Answer, tenants: Sequence[Tenant]) -> list[Answer] | None:
    """A service's all-councils answer as one answer per council; None if it gave none."""
    items = answer.body.get("items") if answer.ok else None
    if not isinstance(items, dict):
        return None
    return [
        Answer(answer.service, 200, items[t.slug])
        if isinstance(items.get(t.slug), dict)
        else Answer(answer.service, None, error="council missing from the answer")
        for t in tenants
    ]


async def service_column(
    fanout: ServiceFanout, service: str, tenants: Sequence[Tenant], authorization: str
) -> list[Answer]:
    """One service's figures for every council: one call to its all-councils route when it
    has one (on FerretDB every query reads the whole collection, so one pass is far cheaper),
    else one call per council to `/{tenant}/{service}/stats`."""
    if not tenants:
        return []
    slugs = ",".join(t.slug for t in tenants)
    path = f"/api/v1/platform/{service}/stats?tenants={slugs}"
    answer = await fanout.call("GET", service, path, authorization)
    split = split_by_tenant(answer, tenants)
    if split is not None:
        return split
    if not answer.has_no_such_route:
        return [answer] * len(tenants)  # down or broken: no use asking it once per council
    calls = [(service, f"/api/v1/{t.slug}/{service}/stats") for t in tenants]
    return await fanout.call_each("GET", calls, authorization)


class DashboardController(Controller):
    path = "/api/v1/platform/dashboard"
    tags = ["platform"]

    @get("/", operation_id="get_regional_dashboard")
    async def get_dashboard(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        tenant_directory: NamedDependency[TenantDirectory],
        service_fanout: NamedDependency[ServiceFanout],
    ) -> dict[str, Any]:
        """Appeals, petitions, budget, ASC and payment figures per active council and overall."""
        require_platform_admin(principal)
        tenants = await tenant_directory.list_active()
        services = list(service_fanout.services)
        auth = request.headers["authorization"]
        found = await asyncio.gather(
            *(service_column(service_fanout, s, tenants, auth) for s in services)
        )
        return build_dashboard(tenants, dict(zip(services, found, strict=True)), datetime.now(UTC))
