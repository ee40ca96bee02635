"""The council's appeal figures for its staff and the regional dashboard: received, answered,
answered on time (Law 393/96-ВР Art. 20 term, as `due_at`) and overdue.

Counted in Python from a projection of the tenant's appeals: "answered before due" compares two
fields of one document, which FerretDB v1 cannot do in an aggregation ($expr is missing). The
fields are read defensively, so the figures stay right while the workflow grows new statuses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import Parameter
from pymongo.asynchronous.database import AsyncDatabase

from chassis.auth import Principal
from chassis.guards import require_platform_admin, require_staff_of_or_platform_admin

ANSWERED_STATUSES = frozenset({"answered", "closed"})
# The council still owes an answer (a reopened complaint keeps its old `answered_at`).
OPEN_STATUSES = frozenset({"registered", "assigned", "reopened"})
# Finished without an answer on the merits (forwarded or returned under Art. 7, withdrawn):
# no longer the council's to answer, so never overdue.
FINISHED_STATUSES = ANSWERED_STATUSES | {"forwarded", "returned", "rejected", "withdrawn"}
STATS_FIELDS = {"status": 1, "due_at": 1, "answered_at": 1, "received_at": 1}


class AppealStats(msgspec.Struct):
    received: int
    answered: int
    answered_on_time: int
    answered_on_time_pct: float | None
    overdue: int
    open: int


def is_answered(appeal: Mapping[str, Any]) -> bool:
    status = appeal.get("status")
    if status in ANSWERED_STATUSES:
        return True
    return appeal.get("answered_at") is not None and status not in OPEN_STATUSES


def summarise_appeals(appeals: Iterable[Mapping[str, Any]], now: datetime) -> AppealStats:
    """Art. 20: an appeal is answered on time when its answer came no later than `due_at`."""
    received = answered = on_time = overdue = still_open = 0
    for appeal in appeals:
        received += 1
        due_at, answered_at = appeal.get("due_at"), appeal.get("answered_at")
        if is_answered(appeal):
            answered += 1
            if isinstance(due_at, datetime) and isinstance(answered_at, datetime):
                on_time += answered_at <= due_at
        elif appeal.get("status") not in FINISHED_STATUSES:
            still_open += 1
            overdue += isinstance(due_at, datetime) and due_at < now
    pct = round(100.0 * on_time / answered, 1) if answered else None
    return AppealStats(received, answered, on_time, pct, overdue, still_open)


async def appeal_rows(
    db: AsyncDatabase[dict[str, Any]], tenant: str, fields: Mapping[str, int]
) -> list[dict[str, Any]]:
    """A projection of every appeal of one council (the tenant always scopes the query)."""
    return await db["appeals"].find({"tenant": tenant}, {"_id": 0, **fields}).to_list(None)


class AppealStatsController(Controller):
    path = "/api/v1/{tenant:str}/appeals/stats"
    tags = ["stats"]

    @get("/", operation_id="get_appeal_stats")
    async def get_appeal_stats(
        self, tenant: str, principal: Principal, appeals_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """The council's figures: for its staff and platform administrators only."""
        require_staff_of_or_platform_admin(principal, tenant)
        now = datetime.now(UTC)
        stats = summarise_appeals(await appeal_rows(appeals_db, tenant, STATS_FIELDS), now)
        return {"tenant": tenant, "as_of": now, **msgspec.structs.asdict(stats)}


MAX_TENANTS = 1000


def tenant_list(tenants: str) -> list[str]:
    """`a,b,c` -> the councils asked for (bounded, so one request cannot ask for everything)."""
    return [slug for slug in dict.fromkeys(tenants.split(",")) if slug][:MAX_TENANTS]


class PlatformAppealStatsController(Controller):
    """The same figures for many councils in one pass, for the regional dashboard: on FerretDB
    every query reads the whole collection, so one pass beats one query per council."""

    path = "/api/v1/platform/appeals/stats"
    tags = ["stats"]

    @get("/", operation_id="get_appeal_stats_of_councils")
    async def get_appeal_stats_of_councils(
        self,
        principal: Principal,
        appeals_db: AsyncDatabase[dict[str, Any]],
        tenants: Annotated[str, Parameter(max_length=40_000)],
    ) -> dict[str, Any]:
        """`?tenants=a,b,c` -> `{"items": {slug: figures}}`; platform administrators only."""
        require_platform_admin(principal)
        slugs = tenant_list(tenants)
        rows = (
            await appeals_db["appeals"]
            .find({"tenant": {"$in": slugs}}, {"_id": 0, "tenant": 1, **STATS_FIELDS})
            .to_list(None)
        )
        by_tenant: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_tenant[str(row.get("tenant"))].append(row)
        now = datetime.now(UTC)
        items = {
            slug: msgspec.structs.asdict(summarise_appeals(by_tenant[slug], now)) for slug in slugs
        }
        return {"as_of": now, "items": items}
