"""Through the gateway, in a council onboarded for the test (its own data and rate limits):
50 concurrent retries of one Idempotency-Key make one payment and all get the first answer;
the daily reconciliation against the sandbox's statement lists every injected mismatch."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.integration.payments.helpers import (
    GATEWAY,
    SANDBOX,
    call,
    citizen,
    official,
    onboard_council,
    pay_at_sandbox,
    wait_status,
)

pytestmark = pytest.mark.e2e
LIMITS = {"rate_limits": {"sensitive_writes_per_minute": 1000, "requests_per_minute": 5000}}


@pytest.fixture(scope="module")
def council() -> str:
    return onboard_council(f"pay-{uuid.uuid4().hex[:10]}", **LIMITS)


def fine_number() -> str:
    return f"DEMO-{uuid.uuid4().int % 10**12}"


def test_fifty_concurrent_retries_of_one_key_make_one_payment(council: str) -> None:
    headers = {**citizen(f"retry-{uuid.uuid4().hex[:8]}"), "Idempotency-Key": uuid.uuid4().hex}
    body = {"purpose": "fine", "reference": fine_number(), "amount": 34000}
    url = f"{GATEWAY}/api/v1/{council}/payments"

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            return await asyncio.gather(
                *(client.post(url, json=body, headers=headers) for _ in range(50))
            )

    responses = asyncio.run(burst())
    assert [r.status_code for r in responses] == [201] * 50, [
        r.text for r in responses if r.status_code != 201
    ]
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(1 for r in responses if r.headers.get("idempotent-replayed") != "true") == 1
    mine = call("GET", url, headers={"Authorization": headers["Authorization"]}).json()["items"]
    assert len(mine) == 1


def test_reconciliation_lists_every_mismatch_per_budget_code(council: str) -> None:
    payer = citizen(f"recon-{uuid.uuid4().hex[:8]}")
    url = f"{GATEWAY}/api/v1/{council}/payments"

    def paid_fine() -> dict[str, Any]:
        body = {"purpose": "fine", "reference": fine_number()}
        created = call(
            "POST", url, json=body, headers={**payer, "Idempotency-Key": uuid.uuid4().hex}
        )
        assert created.status_code == 201, created.text
        pay_at_sandbox(created.json()["checkout_url"])
        return wait_status(GATEWAY, council, created.json()["id"], payer, "success")

    matched, differs, dropped = paid_fine(), paid_fine(), paid_fine()
    cancelled = call(
        "POST",
        url,
        json={"purpose": "fine", "reference": fine_number()},
        headers={**payer, "Idempotency-Key": uuid.uuid4().hex},
    ).json()
    call("POST", f"{url}/{cancelled['id']}/cancel", headers=payer)
    pay_at_sandbox(cancelled["checkout_url"])  # the provider took money we no longer expect
    stranger = f"unknown-{uuid.uuid4().hex[:8]}"
    for mismatch in (
        {"kind": "amount", "order_id": differs["id"], "amount": 30000},
        {"kind": "drop", "order_id": dropped["id"]},
        {"kind": "extra", "order_id": stranger, "amount": 5000, "tenant": council},
    ):
        injected = call("POST", f"{SANDBOX}/sandbox/mismatches", json=mismatch)
        assert injected.status_code == 201, injected.text

    today = datetime.now(ZoneInfo("Europe/Kyiv")).date().isoformat()
    report = call("GET", f"{url}/reconciliation", params={"date": today}, headers=official(council))
    assert report.status_code == 200, report.text
    codes = {c["budget_code"]: c for c in report.json()["budget_codes"]}
    fines = codes["21081100"]
    assert (fines["our_count"], fines["our_total"]) == (3, 3 * 34000)
    found = {(m["kind"], m["payment_id"]) for m in fines["mismatches"]}
    assert found == {
        ("amount_differs", differs["id"]),
        ("missing_at_provider", dropped["id"]),
        ("not_paid_here", cancelled["id"]),
    }
    assert [(m["kind"], m["payment_id"]) for m in codes["unknown"]["mismatches"]] == [
        ("unknown_here", stranger)
    ]
    assert report.json()["mismatch_count"] == 4
    assert matched["id"] not in {m["payment_id"] for c in codes.values() for m in c["mismatches"]}
    assert (
        call("GET", f"{url}/reconciliation", params={"date": today}, headers=payer).status_code
        == 403
    )
