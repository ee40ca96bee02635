"""The council's petition figures for its staff and the regional dashboard: how many were
filed, are in moderation (and overdue there), collect, reached the threshold, were answered,
were not supported or rejected; signatures counted; responses overdue (Art. 23-1 terms).

Counted in Python from a projection of the tenant's petitions (few per council)."""

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
from services.petitions.domain import model

STATS_FIELDS = {"status": 1, "signature_count": 1, "moderation_due_at": 1, "response_due_at": 1}
MAX_TENANTS = 1000


class PetitionStats(msgspec.Struct):
    petitions_filed: int
    in_moderation: int
    moderation_overdue: int
    collecting: int
    under_consideration: int
    response_overdue: int
    answered: int
    not_supported: int
    rejected: int
    signatures: int


def _late(value: Any, now: datetime) -> bool:
    return isinstance(value, datetime) and value < now


def summarise_petitions(rows: Iterable[Mapping[str, Any]], now: datetime) -> PetitionStats:
    by_status: dict[str, int] = defaultdict(int)
    filed = moderation_overdue = response_overdue = signatures = 0
    for row in rows:
        status = str(row.get("status"))
        filed += 1
        by_status[status] += 1
        signatures += int(row.get("signature_count") or 0)
        moderation_overdue += status == model.MODERATION and _late(
            row.get("moderation_due_at"), now
        )
        response_overdue += status == model.UNDER_CONSIDERATION and _late(
            row.get("response_due_at"), now
        )
    return PetitionStats(
        petitions_filed=filed,
        in_moderation=by_status[model.MODERATION],
        moderation_overdue=moderation_overdue,
        collecting=by_status[model.COLLECTING],
        under_consideration=by_status[model.UNDER_CONSIDERATION],
        response_overdue=response_overdue,
        answered=by_status[model.ANSWERED],
        not_supported=by_status[model.NOT_SUPPORTED],
        rejected=by_status[model.REJECTED],
        signatures=signatures,
    )


class PetitionStatsController(Controller):
    path = "/api/v1/{tenant:str}/petitions/stats"
    tags = ["stats"]

    @get("/", operation_id="get_petition_stats")
    async def get_petition_stats(
        self, tenant: str, principal: Principal, petitions_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """The council's figures: for its staff and platform administrators only."""
        require_staff_of_or_platform_admin(principal, tenant)
        rows = (
            await petitions_db["petitions"]
            .find({"tenant": tenant}, {"_id": 0, **STATS_FIELDS})
            .to_list(None)
        )
        now = datetime.now(UTC)
        return {
            "tenant": tenant,
            "as_of": now,
            **msgspec.structs.asdict(summarise_petitions(rows, now)),
        }


class PlatformPetitionStatsController(Controller):
    """The same figures for many councils in one pass, for the regional dashboard."""

    path = "/api/v1/platform/petitions/stats"
    tags = ["stats"]

    @get("/", operation_id="get_petition_stats_of_councils")
    async def get_petition_stats_of_councils(
        self,
        principal: Principal,
        petitions_db: AsyncDatabase[dict[str, Any]],
        tenants: Annotated[str, Parameter(max_length=40_000)],
    ) -> dict[str, Any]:
        """`?tenants=a,b,c` -> `{"items": {slug: figures}}`; platform administrators only."""
        require_platform_admin(principal)
        slugs = [s for s in dict.fromkeys(tenants.split(",")) if s][:MAX_TENANTS]
        rows = (
            await petitions_db["petitions"]
            .find({"tenant": {"$in": slugs}}, {"_id": 0, "tenant": 1, **STATS_FIELDS})
            .to_list(None)
        )
        by_tenant: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_tenant[str(row.get("tenant"))].append(row)
        now = datetime.now(UTC)
        items = {
            slug: msgspec.structs.asdict(summarise_petitions(by_tenant[slug], now))
            for slug in slugs
        }
        return {"as_of": now, "items": items}
