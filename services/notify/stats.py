"""Notify's figures for the council's staff and the regional dashboard: deliveries by status.

One `$match` + `$group($sum)` per council, which FerretDB v1 runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import Parameter

from chassis.auth import Principal
from chassis.guards import require_platform_admin, require_staff_of_or_platform_admin
from services.notify.repository import DeliveryRepository


def delivery_figures(groups: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """`{_id: status, n: count}` groups -> sent, failed (for good), pending (being retried)."""
    by_status = {str(g["_id"]): int(g["n"]) for g in groups}
    return {
        "deliveries_sent": by_status.get("sent", 0),
        "deliveries_failed": by_status.get("failed", 0),
        "deliveries_pending": by_status.get("sending", 0) + by_status.get("retrying", 0),
    }


class NotifyStatsController(Controller):
    path = "/api/v1/{tenant:str}/notify/stats"
    tags = ["stats"]

    @get("/", operation_id="get_notify_stats")
    async def get_notify_stats(
        self, tenant: str, principal: Principal, deliveries: DeliveryRepository
    ) -> dict[str, Any]:
        """Deliveries sent and failed in this council: its staff and platform admins only."""
        require_staff_of_or_platform_admin(principal, tenant)
        pipeline: list[dict[str, Any]] = [
            {"$match": {"tenant": tenant}},
            {"$group": {"_id": "$status", "n": {"$sum": 1}}},
        ]
        cursor = await deliveries.collection.aggregate(pipeline)
        groups = await cursor.to_list(None)
        return {"tenant": tenant, "as_of": datetime.now(UTC), **delivery_figures(groups)}


MAX_TENANTS = 1000


class PlatformNotifyStatsController(Controller):
    """The same figures for many councils in one pass, for the regional dashboard."""

    path = "/api/v1/platform/notify/stats"
    tags = ["stats"]

    @get("/", operation_id="get_notify_stats_of_councils")
    async def get_notify_stats_of_councils(
        self,
        principal: Principal,
        deliveries: DeliveryRepository,
        tenants: Annotated[str, Parameter(max_length=40_000)],
    ) -> dict[str, Any]:
        """`?tenants=a,b,c` -> `{"items": {slug: figures}}`; platform administrators only."""
        require_platform_admin(principal)
        slugs = [slug for slug in dict.fromkeys(tenants.split(",")) if slug][:MAX_TENANTS]
        counts: Counter[tuple[str, str]] = Counter()
        cursor = deliveries.collection.find(
            {"tenant": {"$in": slugs}}, {"_id": 0, "tenant": 1, "status": 1}
        )
        async for row in cursor:
            counts[(str(row.get("tenant")), str(row.get("status")))] += 1
        items = {
            slug: delivery_figures(
                {"_id": status, "n": n} for (tenant, status), n in counts.items() if tenant == slug
            )
            for slug in slugs
        }
        return {"as_of": datetime.now(UTC), "items": items}
