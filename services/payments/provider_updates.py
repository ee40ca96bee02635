"""What the provider tells us (signed callbacks, status polls, refund answers) applied to our
payments: forged callbacks refused and logged as security events, repeats change nothing, and
news that contradicts a terminal state is kept for reconciliation but never applied."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime

from chassis.logging import get_logger
from chassis.problems import Problem
from services.payments.changes import ChangeApplier
from services.payments.domain import Payment, transition
from services.payments.domain.liqpay import BadSignature
from services.payments.domain.model import path_to
from services.payments.provider import PaymentProvider, ProviderNotice
from services.payments.repository import PaymentRepository

log = get_logger("payments.provider")
security_log = get_logger("security")


def _bad_callback(tenant: str, reason: str) -> Problem:
    # A security event: the reason and the council, never the payload (it may be an attack).
    security_log.warning("security.payment_callback_rejected", tenant=tenant, reason=reason)
    return Problem(400, "Недійсний підпис / Invalid callback signature.")


class ProviderUpdates:
    def __init__(
        self,
        repository: PaymentRepository,
        changes: ChangeApplier,
        provider: PaymentProvider,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self.changes = changes
        self.provider = provider
        self.clock = clock

    async def on_callback(self, tenant: str, form: dict[str, str]) -> Payment:
        try:
            notice = self.provider.parse_callback(form)
        except BadSignature as exc:
            raise _bad_callback(tenant, str(exc)) from exc
        if notice.tenant not in (None, tenant):
            raise _bad_callback(tenant, "callback addressed to another council")
        payment = await self.repository.get(tenant, notice.payment_id)
        if payment is None:
            raise _bad_callback(tenant, "unknown order")
        # Applied first, recorded after: a callback that failed half-way must not look like
        # one already handled when the provider sends it again. Repeats change nothing anyway
        # (the state machine answers a known status with no change).
        after = await self.apply_notice(tenant, notice)
        digest = hashlib.sha256(form.get("data", "").encode()).hexdigest()
        fresh = await self.repository.record_provider_event(
            tenant,
            {
                "_id": f"{self.provider.name}:{digest}",
                "payment_id": notice.payment_id,
                "provider_status": notice.provider_status,
                "transaction_id": notice.transaction_id,
                "amount": notice.amount,
                "status_after": after.status,
                "received_at": self.clock(),
            },
        )
        if not fresh:
            log.info("payment.callback_repeated", payment_id=notice.payment_id)
        return after

    async def apply_notice(self, tenant: str, notice: ProviderNotice) -> Payment:
        """Move the payment as the provider reports; a report we cannot apply changes nothing."""
        if notice.status is None:
            current = await self.repository.get(tenant, notice.payment_id)
            if current is None:
                raise Problem(404, "Платіж не знайдено / Payment not found.")
            return current

        def decide(payment: Payment) -> list[tuple[Payment, str]]:
            if notice.status == "success" and notice.amount not in (None, payment.amount):
                raise _bad_callback(tenant, "amount differs from the payment's")
            steps = []
            now = self.clock()
            reason = notice.error or notice.provider_status
            for status in path_to(payment.status, notice.status or ""):
                extra: dict[str, object] = {}
                if status == "success":
                    extra = {"provider_transaction_id": notice.transaction_id, "succeeded_at": now}
                elif status == "failed":
                    extra = {"failure_reason": reason}
                elif status == "refunded":
                    extra = {"refunded_amount": payment.amount}
                payment = transition(payment, status, now, "provider", reason, **extra)
                steps.append((payment, reason))
            return steps

        try:
            return await self.changes.apply(tenant, notice.payment_id, decide)
        except Problem as problem:
            if problem.status != 409:
                raise
            # The provider's news contradicts a final state of ours (e.g. paid after expiry):
            # keep ours, log loudly; the daily reconciliation lists it for an official.
            log.error(
                "payment.late_provider_event",
                payment_id=notice.payment_id,
                provider_status=notice.provider_status,
            )
            current = await self.repository.get(tenant, notice.payment_id)
            assert current is not None
            return current
