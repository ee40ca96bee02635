"""The daily reconciliation report of one council: our payments paid that day (Kyiv time)
against the provider's statement, per budget code, every mismatch listed. Each report run is
kept (collection `reconciliation_reports`, one per council and day, the latest run wins)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pymongo.asynchronous.database import AsyncDatabase

from services.payments.domain import PAID_STATUSES, Payment
from services.payments.domain.reconciliation import OurPayment, reconcile
from services.payments.provider import PaymentProvider
from services.payments.repository import PaymentRepository


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, zone)
    end = datetime.combine(day + timedelta(days=1), time.min, zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _ours(payment: Payment, paid: bool) -> OurPayment:
    return OurPayment(
        payment_id=payment.id,
        status=payment.status,
        amount=payment.amount,
        budget_code=payment.requisites.budget_code,
        paid=paid,
    )


class Reconciliation:
    def __init__(
        self,
        repository: PaymentRepository,
        provider: PaymentProvider,
        db: AsyncDatabase[dict[str, Any]],
        timezone: str = "Europe/Kyiv",
    ) -> None:
        self.repository = repository
        self.provider = provider
        self.reports = db["reconciliation_reports"]
        self.timezone = timezone

    async def daily_report(self, tenant: str, day: date) -> dict[str, Any]:
        start, end = day_bounds(day, self.timezone)
        paid = await self.repository.paid_between(tenant, start, end)
        paid_ids = {p.id for p in paid}
        statement = [
            t
            for t in await self.provider.statement(start, end)
            if t.tenant == tenant or t.order_id in paid_ids
        ]
        known: dict[str, OurPayment] = {}
        for txn in statement:
            if txn.order_id not in paid_ids and txn.order_id not in known:
                other = await self.repository.get(tenant, txn.order_id)
                if other is not None:
                    known[txn.order_id] = _ours(other, other.status in PAID_STATUSES)
        by_code = reconcile([_ours(p, True) for p in paid], statement, known)
        codes = [asdict(r) for r in by_code.values()]
        report = {
            "tenant": tenant,
            "date": day.isoformat(),
            "provider": self.provider.name,
            "generated_at": datetime.now(UTC),
            "budget_codes": codes,
            "mismatch_count": sum(len(c["mismatches"]) for c in codes),
        }
        await self.reports.replace_one(
            {"_id": f"{tenant}:{day.isoformat()}"}, {**report, "tenant": tenant}, upsert=True
        )
        return report
