"""LiqPay Checkout API v3 adapter: checkout registration, signed callbacks, status polling,
refunds and the daily statement ("reports"), all as `data` + `signature` forms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from services.payments.domain import Payment
from services.payments.domain.liqpay import (
    API_VERSION,
    STATUS_MAP,
    BadSignature,
    signed_form,
    verify_and_decode,
)
from services.payments.domain.money import to_hryvnias, to_kopiyky
from services.payments.domain.reconciliation import ProviderTransaction
from services.payments.provider import ProviderNotice, ProviderUnavailable


def notice_from(params: dict[str, Any]) -> ProviderNotice:
    provider_status = str(params.get("status") or "")
    try:
        amount = to_kopiyky(params["amount"]) if "amount" in params else None
    except ValueError:
        amount = None
    info = params.get("info")
    transaction = params.get("transaction_id") or params.get("payment_id")
    return ProviderNotice(
        payment_id=str(params.get("order_id") or ""),
        status=STATUS_MAP.get(provider_status),
        provider_status=provider_status,
        amount=amount,
        transaction_id=str(transaction) if transaction is not None else None,
        tenant=str(info) if info else None,
        error=params.get("err_description"),
    )


class LiqPayProvider:
    name = "liqpay"

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, public_key: str, private_key: str
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.public_key = public_key
        self.private_key = private_key

    def _form(self, **params: Any) -> dict[str, str]:
        return signed_form(
            self.private_key, {"version": API_VERSION, "public_key": self.public_key, **params}
        )

    async def prepare_checkout(self, payment: Payment, server_url: str) -> str:
        form = self._form(
            action="pay",
            amount=to_hryvnias(payment.amount),
            currency=payment.currency,
            description=payment.description,
            order_id=payment.id,
            server_url=server_url,
            language=payment.locale if payment.locale in ("uk", "en") else "uk",
            expired_date=payment.expires_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            info=payment.tenant,
        )
        try:
            response = await self.http.post(f"{self.base_url}/api/3/checkout", data=form)
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(type(exc).__name__) from exc
        location = response.headers.get("location")
        if response.status_code not in (302, 303) or not location:
            raise ProviderUnavailable(f"checkout answered {response.status_code}")
        return str(httpx.URL(self.base_url).join(location))

    def parse_callback(self, form: dict[str, str]) -> ProviderNotice:
        params = verify_and_decode(
            self.private_key, form.get("data", ""), form.get("signature", "")
        )
        if params.get("public_key") not in (None, self.public_key):
            raise BadSignature("another merchant's callback")
        return notice_from(params)

    async def _request(self, **params: Any) -> dict[str, Any]:
        try:
            response = await self.http.post(
                f"{self.base_url}/api/request", data=self._form(**params)
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderUnavailable(type(exc).__name__) from exc
        if not isinstance(body, dict):
            raise ProviderUnavailable("not a JSON object")
        return body

    async def status(self, payment_id: str) -> ProviderNotice | None:
        body = await self._request(action="status", order_id=payment_id)
        if body.get("result") == "error" or not body.get("status"):
            return None
        return notice_from({"order_id": payment_id, **body})

    async def refund(self, payment: Payment) -> ProviderNotice:
        body = await self._request(
            action="refund", order_id=payment.id, amount=to_hryvnias(payment.amount)
        )
        return notice_from({"order_id": payment.id, **body})

    async def statement(self, start: datetime, end: datetime) -> list[ProviderTransaction]:
        body = await self._request(
            action="reports",
            date_from=int(start.timestamp() * 1000),
            date_to=int(end.timestamp() * 1000),
        )
        if body.get("result") != "success" or not isinstance(body.get("data"), list):
            raise ProviderUnavailable("statement not available")
        transactions = []
        for row in body["data"]:
            notice = notice_from(row)
            if notice.status in ("success", "refunded") and notice.amount is not None:
                transactions.append(
                    ProviderTransaction(
                        order_id=notice.payment_id,
                        amount=notice.amount,
                        status=notice.status,
                        transaction_id=notice.transaction_id or "",
                        tenant=notice.tenant,
                    )
                )
        return transactions
