"""The paid booking end to end with the real payments service and its sandbox provider: queue
asks payments for an intent over Kafka, the citizen pays at the sandbox checkout, payments
announces the success and the booking is confirmed; a failed payment releases the slot."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.e2e.retrying import send
from tests.e2e.test_queue_booking import (  # noqa: F401 (the fixture retires test offices)
    TENANT,
    auth,
    book,
    make_office,
    retire_test_offices,
    slots,
)
from tests.integration.queue.offices import citizen_claims, visit_day
from tests.stack import Gateway, wait_for

SERVICE = "passport-id"  # paid: 345 UAH


def intent_for(gateway: Gateway, me: dict[str, str], booking_id: str) -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        listed = send(gateway, "GET", f"/api/v1/{TENANT}/payments", headers=me)
        if listed.status_code in (404, 405):
            pytest.skip("payments does not list payments yet")
        items = listed.json().get("items", []) if listed.status_code == 200 else []
        return next(
            (p for p in items if p.get("booking_id") == booking_id and p.get("checkout_url")),
            None,
        )

    return wait_for(probe, 90, interval_s=0.5, what="payments' intent for the booking")


def booking_status(gateway: Gateway, me: dict[str, str], booking_id: str) -> dict[str, Any]:
    path = f"/api/v1/{TENANT}/queue/bookings/{booking_id}"
    return dict(send(gateway, "GET", path, headers=me).json())


def pay(checkout_url: str, result: str) -> None:
    try:
        answer = httpx.post(checkout_url, json={"result": result}, timeout=30.0)
    except httpx.TransportError:
        pytest.skip("the payments sandbox is not running")
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("result", "expected"), [("success", "booked"), ("failure", "cancelled")])
def test_paying_at_the_checkout_confirms_or_releases_the_booking(
    gateway: Gateway, result: str, expected: str
) -> None:
    oid = make_office(gateway, windows=1)
    me = auth(gateway, citizen_claims())
    start = slots(gateway, oid, SERVICE, visit_day().isoformat())[0]["start"]
    booking = book(gateway, me, oid, start, service=SERVICE).json()
    assert booking["status"] == "awaiting_payment" and booking["amount"] == 34500
    intent = intent_for(gateway, me, booking["id"])
    assert intent["amount"] == 34500
    pay(intent["checkout_url"], result)
    done = wait_for(
        lambda: (b := booking_status(gateway, me, booking["id"]))["status"] == expected and b,
        90,
        interval_s=0.5,
        what=f"the booking to become {expected}",
    )
    if expected == "cancelled":
        assert done["cancel_reason"] == "payment_failed"
        # The status is stored first and the seats are given back right after it.
        wait_for(
            lambda: (
                next(
                    s
                    for s in slots(gateway, oid, SERVICE, visit_day().isoformat())
                    if s["start"] == start
                )["available"]
                == 1
            ),
            30,
            what="the slot to be freed",
        )
    else:
        assert [h["action"] for h in done["history"]] == ["book", "confirm"]
