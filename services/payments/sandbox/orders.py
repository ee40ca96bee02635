"""The sandbox's orders (one document per LiqPay `order_id`, i.e. per Hromada payment) and
the callbacks it sends for them, signed like LiqPay's."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

import httpx
from pymongo.asynchronous.database import AsyncDatabase

from services.payments.domain.liqpay import signed_form

FINAL = frozenset({"success", "failure", "reversed"})


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


class Orders:
    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], http: httpx.AsyncClient, keys: tuple[str, str]
    ) -> None:
        self.orders = db["orders"]
        self.http = http
        self.public_key, self.private_key = keys

    async def register(self, params: dict[str, Any], traceparent: str | None) -> None:
        """A checkout request; registering the same order again keeps what happened to it."""
        await self.orders.update_one(
            {"_id": str(params["order_id"])},
            {
                "$set": {
                    "params": params,
                    "tenant": params.get("info"),
                    "traceparent": traceparent,
                },
                "$setOnInsert": {"status": "created", "created_at": now_ms()},
            },
            upsert=True,
        )

    async def get(self, order_id: str) -> dict[str, Any] | None:
        return await self.orders.find_one({"_id": order_id})

    async def set_status(self, order: dict[str, Any], status: str) -> dict[str, Any]:
        changes: dict[str, Any] = {"status": status}
        if status in FINAL and not order.get("transaction_id"):
            changes["transaction_id"] = str(secrets.randbelow(9 * 10**9) + 10**9)
        if status in ("success", "failure"):
            changes["end_date"] = now_ms()
        await self.orders.update_one({"_id": order["_id"]}, {"$set": changes})
        return {**order, **changes}

    def report_of(self, order: dict[str, Any]) -> dict[str, Any]:
        """The order as LiqPay's status API, callbacks and reports describe it."""
        params = order.get("params", {})
        return {
            "version": 3,
            "public_key": self.public_key,
            "action": "pay",
            "status": order["status"],
            "order_id": order["_id"],
            "payment_id": int(order.get("transaction_id") or 0) or None,
            "transaction_id": int(order.get("transaction_id") or 0) or None,
            "amount": float(params.get("amount", 0)),
            "currency": params.get("currency", "UAH"),
            "description": params.get("description", ""),
            "info": params.get("info"),
            "end_date": order.get("end_date"),
            "err_description": "Картку відхилено / Card declined"
            if order["status"] == "failure"
            else None,
        }

    async def send_callback(self, order: dict[str, Any]) -> int:
        """POST the signed callback to the order's server_url; the receiver's HTTP status."""
        server_url = order.get("params", {}).get("server_url")
        if not server_url:
            return 0
        form = signed_form(
            self.private_key, {k: v for k, v in self.report_of(order).items() if v is not None}
        )
        headers = {"traceparent": order["traceparent"]} if order.get("traceparent") else {}
        response = await self.http.post(server_url, data=form, headers=headers)
        await self.orders.update_one({"_id": order["_id"]}, {"$set": {"last_callback": form}})
        return response.status_code

    async def resend_last(self, order: dict[str, Any]) -> int:
        """The very same callback again (providers retry): the receiver must change nothing."""
        form = order.get("last_callback")
        if not form:
            return 0
        headers = {"traceparent": order["traceparent"]} if order.get("traceparent") else {}
        response = await self.http.post(order["params"]["server_url"], data=form, headers=headers)
        return response.status_code
