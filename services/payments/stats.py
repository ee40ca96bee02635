"""The council's payment figures for its staff and the regional dashboard: how many payments,
how many paid and for how much, refunded, failed, expired, still open. Counted in Python from a
small projection (one pass; FerretDB reads the whole collection for any filter anyway)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from chassis.auth import Principal
from chassis.guards import require_platform_admin, require_staff_of_or_platform_admin
from services.payments.domain import ACTIVE_STATUSES
from services.payments.repository import PaymentRepository

FIELDS = {"_id": 0, "tenant": 1, "status": 1, "amount": 1}
MAX_TENANTS = 1000


class PaymentStats(msgspec.Struct):
    payments: int
    paid: int
    paid_amount: int  # kopiyky, money kept (refunds excluded)
    refunded: int
    failed: int
    expired: int
    cancelled: int
    open: int


def summarise_payments(rows: Iterable[Mapping[str, Any]]) -> PaymentStats:
    counts: dict[str, int] = defaultdict(int)
    kept = 0
    for row in rows:
        status = str(row.get("status"))
        counts[status] += 1
        if status in ("success", "refund_pending"):
            kept += int(row.get("amount") or 0)
    return PaymentStats(
        payments=sum(counts.values()),
        paid=counts["success"] + counts["refund_pending"] + counts["refunded"],
        paid_amount=kept,
        refunded=counts["refunded"],
        failed=counts["failed"],
        expired=counts["expired"],
        cancelled=counts["cancelled"],
        open=sum(counts[s] for s in ACTIVE_STATUSES),
    )


class PaymentStatsController(Controller):
    path = "/api/v1/{tenant:str}/payments/stats"
    tags = ["stats"]

    @get("/", operation_id="get_payment_stats")
    async def get_payment_stats(
        self, tenant: str, principal: Principal, payment_repository: PaymentRepository
    ) -> dict[str, Any]:
        """The council's figures: for its staff and platform administrators only."""
        require_staff_of_or_platform_admin(principal, tenant)
        rows = await payment_repository.collection.find({"tenant": tenant}, FIELDS).to_list(None)
        stats = summarise_payments(rows)
        return {"tenant": tenant, "as_of": datetime.now(UTC), **msgspec.structs.asdict(stats)}


class PlatformPaymentStatsController(Controller):
    """The same figures for many councils in one pass, for the regional dashboard."""

    path = "/api/v1/platform/payments/stats"
    tags = ["stats"]

    @get("/", operation_id="get_payment_stats_of_councils")
    async def get_payment_stats_of_councils(
        self,
        principal: Principal,
        payment_repository: PaymentRepository,
        tenants: Annotated[str, Parameter(max_length=40_000)],
    ) -> dict[str, Any]:
        """`?tenants=a,b,c` -> `{"items": {slug: figures}}`; platform administrators only."""
        require_platform_admin(principal)
        slugs = [s for s in dict.fromkeys(tenants.split(",")) if s][:MAX_TENANTS]
        rows = await payment_repository.collection.find({"tenant": {"$in": slugs}}, FIELDS).to_list(
            None
        )
        by_tenant: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_tenant[str(row.get("tenant"))].append(row)
        items = {s: msgspec.structs.asdict(summarise_payments(by_tenant[s])) for s in slugs}
        return {"as_of": datetime.now(UTC), "items": items}
