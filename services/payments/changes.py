"""Applying a change to a stored payment: under the payment's lock, read, decide (pure), and
store the new state with its history and events in one version-guarded write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chassis.logging import get_logger
from chassis.problems import Problem
from chassis.write_guard import DocumentLocks
from services.payments.domain import IllegalTransition, Payment
from services.payments.events import event_for, to_outbox
from services.payments.repository import PaymentRepository

log = get_logger("payments.changes")

# Decides the changed payment and the reason for its event(s), from the current one. Returns a
# list of successive states (a provider report may pass through two); [] changes nothing.
Decision = Callable[[Payment], list[tuple[Payment, str]]]


class PaymentNotFound(Problem):
    def __init__(self) -> None:
        super().__init__(404, "Платіж не знайдено / Payment not found.")


class ChangeApplier:
    def __init__(
        self,
        repository: PaymentRepository,
        locks: DocumentLocks,
        on_events_stored: Callable[[str], None],
        attempts: int = 5,
    ) -> None:
        self.repository = repository
        self.locks = locks
        self.on_events_stored = on_events_stored
        self.attempts = attempts

    async def apply(self, tenant: str, payment_id: str, decide: Decision) -> Payment:
        """The payment after the change (or unchanged); 404 if it is not the tenant's, 409
        naming the current status if the change is illegal."""
        async with self.locks.hold(payment_id):
            for _ in range(self.attempts):
                current = await self.repository.get(tenant, payment_id)
                if current is None:
                    raise PaymentNotFound()
                try:
                    steps = decide(current)
                except IllegalTransition as exc:
                    raise Problem(409, str(exc), headers={"X-Payment-Status": exc.current}) from exc
                if not steps:
                    return current
                final = steps[-1][0]
                final.version = current.version
                outbox = [self._record(p, reason) for p, reason in steps]
                if await self.repository.save(final, outbox):
                    self.on_events_stored(payment_id)
                    final.version += 1
                    log.info("payment.changed", payment_id=payment_id, status=final.status)
                    return final
                log.info("payment.change_conflict", payment_id=payment_id)
        raise Problem(409, "Платіж щойно змінився, повторіть / The payment just changed; retry.")

    @staticmethod
    def _record(payment: Payment, reason: str) -> dict[str, Any]:
        at: datetime = payment.updated_at or payment.created_at
        return to_outbox(payment, event_for(payment, at, reason))
