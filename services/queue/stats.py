"""ASC quality figures for the council's staff and the regional dashboard: tickets, served,
no-shows, median wait and service times over the last `DAYS` days, and the same per office and
day.

Counted in Python from the hall's tickets (FerretDB v1 lacks the aggregation expressions a
median needs). Bookings are deliberately not counted here: every query on FerretDB reads the
whole collection, and the bookings collection is large — a dashboard must answer in seconds."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import Parameter
from pymongo.asynchronous.database import AsyncDatabase

from chassis.auth import Principal
from chassis.guards import require_platform_admin, require_staff_of_or_platform_admin
from services.queue.domain.figures import queue_figures

DAYS = 30
MAX_TENANTS = 1000
TICKET_FIELDS = {
    "_id": 0,
    "tenant": 1,
    "office_id": 1,
    "day": 1,
    "status": 1,
    "issued_at": 1,
    "start": 1,
    "called_at": 1,
    "served_at": 1,
}


async def ticket_rows(
    db: AsyncDatabase[dict[str, Any]], tenants: list[str], now: datetime
) -> list[dict[str, Any]]:
    since = now - timedelta(days=DAYS)
    query = {"tenant": {"$in": tenants}, "issued_at": {"$gte": since}}
    return await db["tickets"].find(query, TICKET_FIELDS).to_list(None)


class QueueStatsController(Controller):
    path = "/api/v1/{tenant:str}/queue/stats"
    tags = ["stats"]

    @get("/", operation_id="get_queue_stats")
    async def get_queue_stats(
        self, tenant: str, principal: Principal, queue_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """The council's figures: for its staff and platform administrators only."""
        require_staff_of_or_platform_admin(principal, tenant)
        now = datetime.now(UTC)
        tickets = await ticket_rows(queue_db, [tenant], now)
        return {"tenant": tenant, "as_of": now, **queue_figures(tickets)}


class PlatformQueueStatsController(Controller):
    """The same for many councils in one pass (the regional dashboard)."""

    path = "/api/v1/platform/queue/stats"
    tags = ["stats"]

    @get("/", operation_id="get_queue_stats_of_councils")
    async def get_queue_stats_of_councils(
        self,
        principal: Principal,
        queue_db: AsyncDatabase[dict[str, Any]],
        tenants: Annotated[str, Parameter(max_length=40_000)],
    ) -> dict[str, Any]:
        """`?tenants=a,b,c` -> `{"items": {slug: figures}}`; platform administrators only."""
        require_platform_admin(principal)
        slugs = [s for s in dict.fromkeys(tenants.split(",")) if s][:MAX_TENANTS]
        now = datetime.now(UTC)
        by_tenant: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for t in await ticket_rows(queue_db, slugs, now):
            by_tenant[t["tenant"]].append(t)
        items = {slug: queue_figures(by_tenant[slug]) for slug in slugs}
        return {"as_of": now, "items": items}
