"""Payments through the gateway on the real stack: Idempotency-Key, every state change and
illegal transition, signed/forged/replayed callbacks from the LiqPay sandbox, receipts,
refunds, fines, bad input and tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.integration.payments.helpers import (
    GATEWAY,
    SANDBOX,
    call,
    citizen,
    official,
    pay_at_sandbox,
    wait_status,
)
from tests.stack import assert_problem

pytestmark = pytest.mark.e2e
TENANT = "chernivtsi"
PAYMENTS = f"{GATEWAY}/api/v1/{TENANT}/payments"
PASSPORT = {"purpose": "service", "reference": "passport-id", "amount": 34500, "currency": "UAH"}


def create(headers: dict[str, str], body: dict[str, Any], key: str | None = None) -> httpx.Response:
    key_header = {"Idempotency-Key": key or uuid.uuid4().hex}
    return call("POST", PAYMENTS, json=body, headers={**headers, **key_header})


@pytest.fixture
def payer() -> dict[str, str]:
    return citizen(f"payer-{uuid.uuid4().hex[:10]}")


def paid_payment(payer: dict[str, str]) -> dict[str, Any]:
    created = create(payer, PASSPORT)
    assert created.status_code == 201, created.text
    pay_at_sandbox(created.json()["checkout_url"])
    return wait_status(GATEWAY, TENANT, created.json()["id"], payer, "success")


def test_creating_needs_an_idempotency_key_and_a_retry_replays_the_first_answer(
    payer: dict[str, str],
) -> None:
    missing = call("POST", PAYMENTS, json=PASSPORT, headers=payer)
    assert_problem(missing, 400, "Idempotency-Key")

    key = uuid.uuid4().hex
    first = create(payer, PASSPORT, key)
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "created"
    assert body["amount"] == 34500 and body["requisites"]["budget_code"] == "22012500"
    assert body["checkout_url"].startswith(SANDBOX) and body["id"] in body["checkout_url"]

    again = create(payer, PASSPORT, key)
    assert again.status_code == 201
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json() == body

    other = create(payer, {**PASSPORT, "reference": "land-extract", "amount": None}, key)
    assert_problem(other, 422, "Idempotency-Key")


def test_amounts_come_from_the_catalogue_and_bad_input_names_the_field(
    payer: dict[str, str],
) -> None:
    assert_problem(create(payer, {**PASSPORT, "amount": 100}), 422, "amount")
    assert_problem(create(payer, {**PASSPORT, "reference": "no-such-service"}), 422, "reference")
    assert_problem(create(payer, {**PASSPORT, "purpose": "gift"}), 422, "purpose")
    assert_problem(create(payer, {**PASSPORT, "currency": "USD"}), 422, "currency")


def test_a_payment_is_paid_receipted_and_refunded_by_an_official(payer: dict[str, str]) -> None:
    payment = paid_payment(payer)
    assert [h["status"] for h in payment["history"]] == ["created", "started", "success"]
    assert payment["provider_transaction_id"]

    receipt = call("GET", f"{GATEWAY}{payment['receipt_url']}", headers=payer)
    assert receipt.status_code == 200, receipt.text
    assert "attachment" in receipt.headers["content-disposition"]
    for needle in (payment["provider_transaction_id"], "UA", "22012500", "345.00"):
        assert needle in receipt.text
    staff = official(TENANT)
    assert call("GET", f"{GATEWAY}{payment['receipt_url']}", headers=staff).status_code == 200
    stranger = citizen(f"stranger-{uuid.uuid4().hex[:8]}")
    assert call("GET", f"{GATEWAY}{payment['receipt_url']}", headers=stranger).status_code == 404

    refund_url = f"{PAYMENTS}/{payment['id']}/refund"
    reason = {"reason": "Послугу не надано / Service not provided"}
    assert_problem(call("POST", refund_url, json=reason, headers=payer), 403)
    refunded = call("POST", refund_url, json=reason, headers=staff)
    assert refunded.status_code == 200, refunded.text
    assert refunded.json()["status"] == "refunded"
    statuses = [h["status"] for h in refunded.json()["history"]]
    assert statuses == ["created", "started", "success", "refund_pending", "refunded"]

    # Terminal: nothing moves it any more.
    problem = assert_problem(call("POST", refund_url, json=reason, headers=staff), 409)
    assert "refunded" in problem["detail"]
    problem = assert_problem(call("POST", f"{PAYMENTS}/{payment['id']}/cancel", headers=payer), 409)
    assert "refunded" in problem["detail"]


def test_a_failed_payment_stays_failed(payer: dict[str, str]) -> None:
    created = create(payer, PASSPORT).json()
    pay_at_sandbox(created["checkout_url"], "failure")
    failed = wait_status(GATEWAY, TENANT, created["id"], payer, "failed")
    assert [h["status"] for h in failed["history"]] == ["created", "started", "failed"]
    problem = assert_problem(call("POST", f"{PAYMENTS}/{created['id']}/cancel", headers=payer), 409)
    assert "failed" in problem["detail"]
    assert_problem(call("GET", f"{PAYMENTS}/{created['id']}/receipt", headers=payer), 409)


def test_the_payer_cancels_an_open_payment(payer: dict[str, str]) -> None:
    created = create(payer, PASSPORT).json()
    cancelled = call("POST", f"{PAYMENTS}/{created['id']}/cancel", headers=payer)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"


def test_a_forged_callback_is_refused_and_a_replayed_one_changes_nothing(
    payer: dict[str, str],
) -> None:
    payment = paid_payment(payer)
    callback_url = f"{PAYMENTS}/callbacks/liqpay"
    forged = call(
        "POST", callback_url, data={"data": "eyJvcmRlcl9pZCI6ICJ4In0=", "signature": "Zm9yZ2Vk"}
    )
    assert_problem(forged, 400)
    assert_problem(call("POST", callback_url, data={"data": "x"}), 400, "signature")

    replayed = call("POST", f"{SANDBOX}/sandbox/orders/{payment['id']}/resend")
    assert replayed.status_code == 200 and replayed.json()["callback_status"] == 200, replayed.text
    after = call("GET", f"{PAYMENTS}/{payment['id']}", headers=payer).json()
    assert after["history"] == payment["history"]
    assert after["provider_transaction_id"] == payment["provider_transaction_id"]


def test_a_fine_is_looked_up_and_paid_once(payer: dict[str, str]) -> None:
    number = f"DEMO-{uuid.uuid4().int % 10**12}"
    found = call("GET", f"{PAYMENTS}/fines/{number}", headers=payer)
    assert found.status_code == 200, found.text
    assert (
        found.json()["amount"] == 34000 and found.json()["requisites"]["budget_code"] == "21081100"
    )
    assert call("GET", f"{PAYMENTS}/fines/NOPE-1", headers=payer).status_code == 404

    fine = {"purpose": "fine", "reference": number, "amount": 34000}
    created = create(payer, fine)
    assert created.status_code == 201, created.text
    pay_at_sandbox(created.json()["checkout_url"])
    wait_status(GATEWAY, TENANT, created.json()["id"], payer, "success")
    other = citizen(f"other-{uuid.uuid4().hex[:8]}")
    problem = assert_problem(create(other, fine), 409)
    assert "already paid" in problem["detail"]


def test_another_councils_staff_and_paths_see_nothing(payer: dict[str, str]) -> None:
    created = create(payer, PASSPORT).json()
    foreign = official("uzhhorod")
    assert call("GET", f"{PAYMENTS}/{created['id']}", headers=foreign).status_code == 404
    refund = call(
        "POST", f"{PAYMENTS}/{created['id']}/refund", json={"reason": "x"}, headers=foreign
    )
    assert_problem(refund, 403)
    other_path = f"{GATEWAY}/api/v1/uzhhorod/payments/{created['id']}"
    assert call("GET", other_path, headers=payer).status_code == 404
    assert call("GET", other_path, headers=official("uzhhorod")).status_code == 404
    report = call(
        "GET", f"{PAYMENTS}/reconciliation", params={"date": "2026-01-01"}, headers=foreign
    )
    assert_problem(report, 403)
    listed = call("GET", PAYMENTS, headers=foreign)
    assert listed.status_code == 200 and created["id"] not in [
        p["id"] for p in listed.json()["items"]
    ]
    mine = call("GET", PAYMENTS, headers=payer).json()["items"]
    assert [p["id"] for p in mine] == [created["id"]]
    assert_problem(call("GET", f"{PAYMENTS}/stats", headers=foreign), 403)
    stats = call("GET", f"{PAYMENTS}/stats", headers=official(TENANT))
    assert stats.status_code == 200 and stats.json()["payments"] >= 1 and stats.json()["open"] >= 1
