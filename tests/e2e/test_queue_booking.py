"""The ASC e-queue through the gateway: the public catalogue, the slot race (50 citizens, one
window -> exactly one booking), cancel frees the slot, the monthly limit and the horizon, bad
input, and other citizens' and other councils' access."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.retrying import send
from tests.integration.queue.offices import (
    admin_claims,
    citizen_claims,
    new_office_id,
    office_body,
    visit_day,
)
from tests.stack import Gateway

TENANT = "kamianske"


def auth(gateway: Gateway, claims: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.token(**claims)}"}


CREATED: list[tuple[str, str, int]] = []  # (tenant, office id, windows) to retire


@pytest.fixture(autouse=True, scope="module")
def retire_test_offices(gateway: Gateway) -> Iterator[None]:
    """Test offices are closed afterwards, so the council's public list stays clean."""
    yield
    while CREATED:
        tenant, oid, windows = CREATED.pop()
        send(
            gateway,
            "PUT",
            f"/api/v1/{tenant}/queue/offices/{oid}",
            json={**office_body(oid, windows), "active": False},
            headers=auth(gateway, admin_claims(tenant)),
        )


def make_office(gateway: Gateway, windows: int = 1, tenant: str = TENANT) -> str:
    oid = new_office_id()
    CREATED.append((tenant, oid, windows))
    response = send(
        gateway,
        "PUT",
        f"/api/v1/{tenant}/queue/offices/{oid}",
        json=office_body(oid, windows),
        headers=auth(gateway, admin_claims(tenant)),
    )
    assert response.status_code == 200, response.text
    return oid


def slots(gateway: Gateway, oid: str, service: str, day: str, tenant: str = TENANT) -> list[Any]:
    response = send(
        gateway,
        "GET",
        f"/api/v1/{tenant}/queue/offices/{oid}/slots",
        params={"service": service, "date": day},
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def book(
    gateway: Gateway,
    headers: dict[str, str],
    oid: str,
    start: str,
    service: str = "fop-registration",
) -> httpx.Response:
    return send(
        gateway,
        "POST",
        f"/api/v1/{TENANT}/queue/bookings",
        json={"office_id": oid, "service_code": service, "start": start},
        headers=headers,
    )


def test_the_catalogue_and_offices_are_public_with_fees_and_requisites(gateway: Gateway) -> None:
    services = send(gateway, "GET", "/api/v1/chernivtsi/queue/services").json()["items"]
    passport = next(s for s in services if s["code"] == "passport-id")
    assert passport["paid"] is True and passport["fee"]["amount"] == 34500
    assert passport["fee"]["iban"].startswith("UA") and passport["fee"]["budget_code"]
    assert next(s for s in services if s["code"] == "fop-registration")["paid"] is False
    offices = send(gateway, "GET", "/api/v1/chernivtsi/queue/offices").json()["items"]
    kinds = {o["id"]: o for o in offices}
    assert len(kinds["cnap-centre"]["windows"]) == 4
    assert kinds["mobile-cnap"]["kind"] == "mobile" and kinds["mobile-cnap"]["visits"]


async def test_fifty_citizens_race_for_one_slot_exactly_one_wins_and_cancel_frees_it(
    gateway: Gateway,
) -> None:
    oid = make_office(gateway, windows=1)
    start = slots(gateway, oid, "fop-registration", visit_day().isoformat())[4]["start"]
    headers = [auth(gateway, citizen_claims()) for _ in range(50)]
    body = {"office_id": oid, "service_code": "fop-registration", "start": start}
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60.0) as http:
        answers = await asyncio.gather(
            *(http.post(f"/api/v1/{TENANT}/queue/bookings", json=body, headers=h) for h in headers)
        )
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 1 and codes.count(409) == 49, codes
    loser = next(a for a in answers if a.status_code == 409)
    assert loser.headers["content-type"].startswith("application/problem+json")
    assert loser.json()["errors"][0]["field"] == "start"
    winner_index = next(i for i, a in enumerate(answers) if a.status_code == 201)
    winner = answers[winner_index].json()
    assert winner["status"] == "booked"
    day_slots = slots(gateway, oid, "fop-registration", visit_day().isoformat())
    assert next(s for s in day_slots if s["start"] == start)["available"] == 0

    cancel = send(
        gateway,
        "POST",
        f"/api/v1/{TENANT}/queue/bookings/{winner['id']}/cancel",
        headers=headers[winner_index],
    )
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    again = book(gateway, headers[(winner_index + 1) % 50], oid, start)
    assert again.status_code == 201, again.text


def test_four_bookings_a_month_then_409_and_the_21_day_horizon(gateway: Gateway) -> None:
    oid = make_office(gateway, windows=1)
    me = auth(gateway, citizen_claims())
    # A 30-minute service on a 15-minute grid: every other slot, so they do not overlap.
    day_slots = slots(gateway, oid, "fop-registration", visit_day().isoformat())[::2]
    for slot in day_slots[:4]:
        made = book(gateway, me, oid, slot["start"])
        assert made.status_code == 201, made.text
    fifth = book(gateway, me, oid, day_slots[5]["start"])
    assert fifth.status_code == 409 and "a month" in fifth.json()["detail"]

    far = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=23)
    too_far = book(gateway, auth(gateway, citizen_claims()), oid, far.isoformat())
    assert too_far.status_code == 422 and too_far.json()["errors"][0]["field"] == "start"
    past = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    assert book(gateway, auth(gateway, citizen_claims()), oid, past.isoformat()).status_code == 422


def test_bad_input_is_a_problem_naming_the_field(gateway: Gateway) -> None:
    oid = make_office(gateway)
    me = auth(gateway, citizen_claims())
    start = slots(gateway, oid, "fop-registration", visit_day().isoformat())[0]["start"]
    missing = send(
        gateway,
        "POST",
        f"/api/v1/{TENANT}/queue/bookings",
        json={"office_id": oid, "start": start},
        headers=me,
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "service_code"
    unknown = book(gateway, me, oid, start, service="no-such-service")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "service_code"
    off_grid = book(gateway, me, oid, start.replace(":00Z", ":07Z").replace(":00:", ":07:"))
    assert off_grid.status_code == 422
    no_office = book(gateway, me, "no-such-office", start)
    assert no_office.status_code == 404


def test_other_citizens_and_other_councils_staff_cannot_touch_a_booking(gateway: Gateway) -> None:
    oid = make_office(gateway)
    owner = auth(gateway, citizen_claims())
    start = slots(gateway, oid, "fop-registration", visit_day().isoformat())[0]["start"]
    booking = book(gateway, owner, oid, start).json()
    path = f"/api/v1/{TENANT}/queue/bookings/{booking['id']}"
    assert send(gateway, "GET", path, headers=owner).status_code == 200
    stranger = auth(gateway, citizen_claims())
    assert send(gateway, "GET", path, headers=stranger).status_code == 404
    assert send(gateway, "POST", f"{path}/cancel", headers=stranger).status_code == 404
    # Staff of Uzhhorod: neither through Kamianske's path nor through their own.
    uzhhorod = gateway.staff("official-uz", "uzhhorod")
    assert send(gateway, "GET", path, headers=uzhhorod).status_code == 404
    own_path = f"/api/v1/uzhhorod/queue/bookings/{booking['id']}"
    assert send(gateway, "GET", own_path, headers=uzhhorod).status_code == 404
    check_in = send(gateway, "POST", f"{path}/check-in", headers=uzhhorod)
    assert check_in.status_code == 403
    office_change = send(
        gateway,
        "PUT",
        f"/api/v1/{TENANT}/queue/offices/{oid}",
        json=office_body(oid, 3),
        headers=auth(gateway, admin_claims("uzhhorod")),
    )
    assert office_change.status_code == 403
    stats = send(gateway, "GET", f"/api/v1/{TENANT}/queue/stats", headers=uzhhorod)
    assert stats.status_code == 403
    assert send(gateway, "GET", path, headers=owner).json()["status"] == "booked"


def test_a_repeated_booking_with_the_same_idempotency_key_replays_the_first(
    gateway: Gateway,
) -> None:
    oid = make_office(gateway)
    me = {**auth(gateway, citizen_claims()), "Idempotency-Key": new_office_id()}
    start = slots(gateway, oid, "fop-registration", visit_day().isoformat())[0]["start"]
    first = book(gateway, me, oid, start)
    again = book(gateway, me, oid, start)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replayed") == "true"


def test_a_citizen_exports_and_erases_their_queue_data(gateway: Gateway) -> None:
    oid = make_office(gateway)
    me = auth(gateway, citizen_claims())
    grid = slots(gateway, oid, "fop-registration", visit_day().isoformat())
    done = book(gateway, me, oid, grid[0]["start"]).json()
    ahead = book(gateway, me, oid, grid[4]["start"]).json()
    path = f"/api/v1/{TENANT}/queue/bookings/{done['id']}/cancel"
    cancelled = send(gateway, "POST", path, headers=me)
    assert cancelled.status_code == 200, cancelled.text
    exported = send(gateway, "GET", f"/api/v1/{TENANT}/queue/me/export", headers=me).json()
    assert {b["id"] for b in exported["data"]["bookings"]} == {done["id"], ahead["id"]}
    erased = send(gateway, "DELETE", f"/api/v1/{TENANT}/queue/me", headers=me)
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"]["bookings_anonymised"] == 1
    assert erased.json()["retained"][0]["count"] == 1
    after = send(gateway, "GET", f"/api/v1/{TENANT}/queue/me/export", headers=me).json()
    assert [b["id"] for b in after["data"]["bookings"]] == [ahead["id"]]
