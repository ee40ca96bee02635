"""The payments domain: pure rules, no I/O (states, LiqPay signing, money, reconciliation)."""

from services.payments.domain.model import (
    ACTIVE_STATUSES,
    PAID_STATUSES,
    TERMINAL_STATUSES,
    IllegalTransition,
    Payment,
    Requisites,
    StatusChange,
    transition,
)

__all__ = [
    "ACTIVE_STATUSES",
    "PAID_STATUSES",
    "TERMINAL_STATUSES",
    "IllegalTransition",
    "Payment",
    "Requisites",
    "StatusChange",
    "transition",
]
