"""A payment and its state machine (GOV.UK Pay / Stripe style: explicit states, terminal ones
never change, every change recorded in the payment's history).

    created -> started -> success -> refund_pending -> refunded
       |          |--> failed | cancelled | expired
       '--> cancelled | expired
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

Status = Literal[
    "created", "started", "success", "failed", "cancelled", "expired", "refund_pending", "refunded"
]
Purpose = Literal["service", "fine"]

# Where each status may go next. Terminal statuses have no way out.
NEXT: dict[str, frozenset[str]] = {
    "created": frozenset({"started", "cancelled", "expired"}),
    "started": frozenset({"success", "failed", "cancelled", "expired"}),
    "success": frozenset({"refund_pending"}),
    "refund_pending": frozenset({"refunded"}),
    "failed": frozenset(),
    "cancelled": frozenset(),
    "expired": frozenset(),
    "refunded": frozenset(),
}
TERMINAL_STATUSES = frozenset(s for s, nxt in NEXT.items() if not nxt)
ACTIVE_STATUSES = frozenset({"created", "started"})  # money may still be taken
PAID_STATUSES = frozenset({"success", "refund_pending", "refunded"})  # money was taken


class IllegalTransition(Exception):
    """The payment's current status does not allow the change (an HTTP 409)."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(
            f"Платіж у стані «{current}», перехід до «{wanted}» неможливий / "
            f"The payment is '{current}'; it cannot become '{wanted}'."
        )
        self.current = current
        self.wanted = wanted


@dataclass(frozen=True)
class Requisites:
    """Treasury payment details, from the council's catalogue or the fines register."""

    recipient: str
    iban: str
    edrpou: str
    budget_code: str
    purpose_text: str  # what the bank statement says the money is for


@dataclass(frozen=True)
class StatusChange:
    """One entry of a payment's history."""

    status: str
    at: datetime
    by: str  # "citizen:<sub>", "staff:<sub>", "provider", "system", "queue"
    reason: str = ""


@dataclass
class Payment:
    id: str
    tenant: str
    purpose: Purpose
    reference: str
    amount: int  # kopiyky, from the catalogue or the register, never from the client
    requisites: Requisites
    description: str
    citizen_sub: str
    created_at: datetime
    expires_at: datetime
    status: str = "created"
    currency: str = "UAH"
    booking_id: str | None = None
    citizen_name: str | None = None
    email: str | None = None
    locale: str = "uk"
    checkout_url: str = ""
    provider: str = "liqpay"
    provider_transaction_id: str | None = None
    succeeded_at: datetime | None = None
    failure_reason: str | None = None
    refund_reason: str | None = None
    refunded_amount: int = 0
    updated_at: datetime | None = None
    history: list[StatusChange] = field(default_factory=list)
    version: int = 1

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    def to_doc(self) -> dict[str, Any]:
        """Storage shape (the repository adds `_id`, `version` and `outbox`)."""
        doc = asdict(self)
        doc.pop("id")
        return doc


def transition(
    payment: Payment, to: str, at: datetime, by: str, reason: str = "", **changes: Any
) -> Payment:
    """The payment after a legal change; raises IllegalTransition otherwise."""
    if to not in NEXT.get(payment.status, frozenset()):
        raise IllegalTransition(payment.status, to)
    entry = StatusChange(status=to, at=at, by=by, reason=reason)
    history = [*payment.history, entry]
    return replace(payment, status=to, history=history, updated_at=at, **changes)


def path_to(current: str, reported: str) -> list[str]:
    """The statuses a provider's report moves a payment through, in order; [] when the report
    changes nothing (a repeated callback). A report that would leave a terminal status, or go
    backwards, raises IllegalTransition: the provider's view and ours disagree."""
    if reported == current:
        return []
    # A report may skip a step we never heard (the "processing" callback was lost).
    bridges = {
        ("created", "success"): ["started", "success"],
        ("created", "failed"): ["started", "failed"],
        ("success", "refunded"): ["refund_pending", "refunded"],
    }
    if (current, reported) in bridges:
        return bridges[(current, reported)]
    if reported == "started" and current in PAID_STATUSES | {"failed"}:
        return []  # a late "processing" after the outcome: old news
    if reported not in NEXT.get(current, frozenset()):
        raise IllegalTransition(current, reported)
    return [reported]
