"""The one interface every payment provider adapter implements (LiqPay today)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from services.payments.domain import Payment
from services.payments.domain.reconciliation import ProviderTransaction


class ProviderUnavailable(Exception):
    """The provider did not answer or answered nonsense; the caller may retry later."""


@dataclass(frozen=True)
class ProviderNotice:
    """What the provider says about one of our payments (callback, status poll, refund)."""

    payment_id: str
    status: str | None  # Hromada's status, or None when the provider's means nothing to us
    provider_status: str
    amount: int | None
    transaction_id: str | None
    tenant: str | None = None
    error: str | None = None


class PaymentProvider(Protocol):
    name: str

    async def prepare_checkout(self, payment: Payment, server_url: str) -> str:
        """Register the payment with the provider; returns the checkout page's URL."""
        ...

    def parse_callback(self, form: dict[str, str]) -> ProviderNotice:
        """A verified callback; raises BadSignature when it is not the provider's."""
        ...

    async def status(self, payment_id: str) -> ProviderNotice | None:
        """Ask the provider (status polling); None if it does not know the payment."""
        ...

    async def refund(self, payment: Payment) -> ProviderNotice: ...

    async def statement(self, start: datetime, end: datetime) -> list[ProviderTransaction]:
        """The provider's money-taking transactions in [start, end)."""
        ...
