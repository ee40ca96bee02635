"""In-memory stand-ins with the real adapters' semantics (version-guarded saves, unique ids)."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from services.payments.domain import ACTIVE_STATUSES, Payment
from services.payments.domain.liqpay import STATUS_MAP, signed_form
from services.payments.domain.reconciliation import ProviderTransaction
from services.payments.liqpay import LiqPayProvider
from services.payments.provider import ProviderNotice

PRIVATE_KEY = "test-private"
PUBLIC_KEY = "test-public"


class FakePaymentRepository:
    def __init__(self) -> None:
        self.docs: dict[str, Payment] = {}
        self.outbox: dict[str, list[dict[str, Any]]] = {}
        self.provider_events: set[str] = set()
        self.conflicts_to_inject = 0

    async def add(self, payment: Payment, outbox: list[dict[str, Any]]) -> None:
        if payment.id in self.docs:
            raise DuplicateKeyError("duplicate _id")
        self.docs[payment.id] = copy.deepcopy(payment)
        self.outbox[payment.id] = list(outbox)

    async def get(self, tenant: str, payment_id: str) -> Payment | None:
        found = self.docs.get(payment_id)
        return copy.deepcopy(found) if found and found.tenant == tenant else None

    async def save(self, payment: Payment, outbox: list[dict[str, Any]]) -> bool:
        stored = self.docs[payment.id]
        if self.conflicts_to_inject:
            self.conflicts_to_inject -= 1
            stored.version += 1
            return False
        if stored.version != payment.version:
            return False
        self.docs[payment.id] = replace(copy.deepcopy(payment), version=payment.version + 1)
        self.outbox[payment.id] += outbox
        return True

    async def record_provider_event(self, tenant: str, event: dict[str, Any]) -> bool:
        if event["_id"] in self.provider_events:
            return False
        self.provider_events.add(event["_id"])
        return True

    async def due_for_expiry(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        return [
            (p.tenant, p.id)
            for p in self.docs.values()
            if p.status in ACTIVE_STATUSES and p.expires_at <= now
        ]

    async def waiting_for_provider(
        self, quiet_since: datetime, limit: int
    ) -> list[tuple[str, str]]:
        return []

    def event_types(self, payment_id: str) -> list[str]:
        return [r["envelope"]["type"] for r in self.outbox[payment_id]]


class FakeProvider(LiqPayProvider):
    """LiqPay's signing and parsing for real; the provider's side kept in memory."""

    def __init__(self) -> None:
        super().__init__(None, "http://sandbox.test", PUBLIC_KEY, PRIVATE_KEY)  # type: ignore[arg-type]
        self.orders: dict[str, str] = {}  # order id -> LiqPay status
        self.registered: list[str] = []

    async def prepare_checkout(self, payment: Payment, server_url: str) -> str:
        self.registered.append(payment.id)
        self.orders.setdefault(payment.id, "created")
        return f"http://sandbox.test/checkout/{payment.id}"

    async def status(self, payment_id: str) -> ProviderNotice | None:
        status = self.orders.get(payment_id)
        if status is None:
            return None
        return ProviderNotice(payment_id, STATUS_MAP.get(status), status, None, "tx-1")

    async def refund(self, payment: Payment) -> ProviderNotice:
        self.orders[payment.id] = "reversed"
        return ProviderNotice(payment.id, "refunded", "reversed", payment.amount, "tx-1")

    async def statement(self, start: datetime, end: datetime) -> list[ProviderTransaction]:
        return []

    def callback(self, payment: Payment, status: str, **extra: Any) -> dict[str, str]:
        """A callback as LiqPay signs it."""
        params = {
            "version": 3,
            "public_key": PUBLIC_KEY,
            "status": status,
            "order_id": payment.id,
            "amount": payment.amount / 100,
            "currency": "UAH",
            "transaction_id": 2451238907,
            "info": payment.tenant,
            **extra,
        }
        return signed_form(PRIVATE_KEY, params)
