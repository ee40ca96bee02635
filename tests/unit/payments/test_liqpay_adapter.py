"""The LiqPay adapter against a scripted provider: the checkout registration follows LiqPay's
302, status/refund/reports are signed requests, and the statement keeps only money taken."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from services.payments.domain.liqpay import sign
from services.payments.liqpay import LiqPayProvider
from services.payments.provider import ProviderUnavailable
from tests.unit.payments.test_domain import payment

KEY = "private"


def decoded(request: httpx.Request) -> dict[str, Any]:
    form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
    assert form["signature"] == sign(KEY, form["data"])  # every request is signed
    params: dict[str, Any] = json.loads(base64.b64decode(form["data"]))
    return params


def provider(handler: Any) -> LiqPayProvider:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return LiqPayProvider(http, "http://liqpay.test", "public", KEY)


async def test_checkout_is_registered_and_its_page_is_the_redirect() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(decoded(request))
        return httpx.Response(302, headers={"Location": "/checkout/p-1"})

    url = await provider(handler).prepare_checkout(payment(), "http://gw/callbacks/liqpay")
    assert url == "http://liqpay.test/checkout/p-1"
    params = seen[0]
    assert (
        params["action"] == "pay" and params["amount"] == "345.00" and params["currency"] == "UAH"
    )
    assert params["order_id"] == "p-1" and params["info"] == "chernivtsi"
    assert params["server_url"] == "http://gw/callbacks/liqpay"
    assert params["public_key"] == "public" and params["version"] == 3


async def test_a_provider_that_does_not_redirect_is_unavailable() -> None:
    with pytest.raises(ProviderUnavailable):
        await provider(lambda r: httpx.Response(500)).prepare_checkout(payment(), "http://gw")


async def test_status_maps_liqpay_statuses_to_ours() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert decoded(request)["action"] == "status"
        return httpx.Response(
            200, json={"result": "ok", "status": "success", "amount": 345, "transaction_id": 77}
        )

    notice = await provider(handler).status("p-1")
    assert notice is not None
    assert (notice.status, notice.amount, notice.transaction_id) == ("success", 34500, "77")
    unknown = provider(
        lambda r: httpx.Response(200, json={"result": "error", "err_code": "payment_not_found"})
    )
    assert await unknown.status("p-2") is None


async def test_the_statement_keeps_money_taken_with_its_council() -> None:
    rows = [
        {
            "order_id": "a",
            "status": "success",
            "amount": 345.0,
            "transaction_id": 1,
            "info": "chernivtsi",
        },
        {
            "order_id": "b",
            "status": "reversed",
            "amount": 91.0,
            "transaction_id": 2,
            "info": "uzhhorod",
        },
        {"order_id": "c", "status": "failure", "amount": 10.0, "transaction_id": 3},
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        params = decoded(request)
        assert params["action"] == "reports" and params["date_to"] > params["date_from"]
        return httpx.Response(200, json={"result": "success", "data": rows})

    start, end = datetime(2026, 3, 10, 22, tzinfo=UTC), datetime(2026, 3, 11, 22, tzinfo=UTC)
    statement = await provider(handler).statement(start, end)
    assert [(t.order_id, t.amount, t.status, t.tenant) for t in statement] == [
        ("a", 34500, "success", "chernivtsi"),
        ("b", 9100, "refunded", "uzhhorod"),
    ]
