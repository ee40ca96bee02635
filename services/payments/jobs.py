"""Periodic work, run by one leader across replicas: expire payments past their 90 minutes,
ask the provider about payments and refunds it went quiet on (status polling), forget
Idempotency-Keys past their retention, and once a day (after RECONCILE_AT Kyiv time) run
yesterday's reconciliation for every council with payments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chassis.lease import LeaderLease, run_as_leader
from chassis.logging import get_logger
from chassis.problems import Problem
from chassis.tracing import untraced
from services.payments.changes import ChangeApplier
from services.payments.domain import ACTIVE_STATUSES, Payment, transition
from services.payments.idempotent_create import WaitingIdempotency
from services.payments.provider import PaymentProvider, ProviderUnavailable
from services.payments.provider_updates import ProviderUpdates
from services.payments.reconciliation import Reconciliation
from services.payments.repository import PaymentRepository

log = get_logger("payments.jobs")
BATCH = 200
EXPIRED = "Час на оплату минув / The time to pay ran out"
KYIV = ZoneInfo("Europe/Kyiv")
RECONCILE_AT = time(6, 0)  # the provider's statement for yesterday is complete by then


class PaymentJobs:
    def __init__(
        self,
        repository: PaymentRepository,
        changes: ChangeApplier,
        provider: PaymentProvider,
        updates: ProviderUpdates,
        idempotency: WaitingIdempotency,
        lease: LeaderLease,
        interval_s: float,
        poll_after: timedelta,
        key_retention: timedelta,
        reconciliation: Reconciliation | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.reconciliation = reconciliation
        self._reconciled: date | None = None
        self._polled: dict[str, datetime] = {}  # ask the provider once per poll_after
        self.repository = repository
        self.changes = changes
        self.provider = provider
        self.updates = updates
        self.idempotency = idempotency
        self.lease = lease
        self.interval_s = interval_s
        self.poll_after = poll_after
        self.key_retention = key_retention
        self.clock = clock
        self._last_cleanup = datetime.min.replace(tzinfo=UTC)

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self.tick, "payments.jobs")

    async def tick(self) -> None:
        now = self.clock()
        with untraced():
            due = await self.repository.due_for_expiry(now, BATCH)
            quiet = await self.repository.waiting_for_provider(now - self.poll_after, BATCH)
        for tenant, payment_id in due:
            await self.expire(tenant, payment_id)
        self._polled = {k: at for k, at in self._polled.items() if now - at < self.poll_after}
        for tenant, payment_id in quiet:
            if payment_id not in self._polled:
                self._polled[payment_id] = now
                await self.poll(tenant, payment_id)
        if now - self._last_cleanup > timedelta(hours=1):
            self._last_cleanup = now
            forgotten = await self.idempotency.forget_older_than(self.key_retention)
            if forgotten:
                log.info("idempotency.keys_forgotten", count=forgotten)
        await self.reconcile_yesterday(now)

    async def reconcile_yesterday(self, now: datetime) -> None:
        local = now.astimezone(KYIV)
        yesterday = local.date() - timedelta(days=1)
        if self.reconciliation is None or local.time() < RECONCILE_AT:
            return
        if self._reconciled == yesterday:
            return
        tenants = await self.repository.collection.distinct("tenant")
        for tenant in tenants:
            try:
                report = await self.reconciliation.daily_report(str(tenant), yesterday)
            except ProviderUnavailable:
                return  # try again on the next tick
            if report["mismatch_count"]:
                log.warning(
                    "reconciliation.mismatches",
                    tenant=tenant,
                    day=yesterday.isoformat(),
                    count=report["mismatch_count"],
                )
        self._reconciled = yesterday

    async def expire(self, tenant: str, payment_id: str) -> None:
        """Ask the provider first: a payment made at the last minute is a success, not expired."""
        try:
            notice = await self.provider.status(payment_id)
            if notice is not None and notice.status in ("success", "failed"):
                await self.updates.apply_notice(tenant, notice)
        except ProviderUnavailable:
            pass  # expire anyway; a late success shows up in reconciliation

        def decide(payment: Payment) -> list[tuple[Payment, str]]:
            if payment.status not in ACTIVE_STATUSES or payment.expires_at > self.clock():
                return []
            return [(transition(payment, "expired", self.clock(), "system", EXPIRED), EXPIRED)]

        try:
            changed = await self.changes.apply(tenant, payment_id, decide)
        except Problem:
            return
        if changed.status == "expired":
            log.info("payment.expired", payment_id=payment_id)

    async def poll(self, tenant: str, payment_id: str) -> None:
        """A started payment or a pending refund the provider went quiet on: ask it."""
        try:
            notice = await self.provider.status(payment_id)
            payment = await self.repository.get(tenant, payment_id)
            if payment is None:
                return
            if payment.status == "refund_pending" and (
                notice is None or notice.status != "refunded"
            ):
                notice = await self.provider.refund(payment)  # the refund never reached it
            if notice is not None:
                await self.updates.apply_notice(tenant, notice)
        except (ProviderUnavailable, Problem) as exc:
            log.info("payment.poll_failed", payment_id=payment_id, error=type(exc).__name__)
