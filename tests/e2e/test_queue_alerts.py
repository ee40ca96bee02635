"""Air-raid alerts through the gateway: the council's staff close an office for a while, its
bookings move to the first free slots after it (or are cancelled), with the reason recorded;
the alert integration's webhook needs the council's key."""

from __future__ import annotations

from tests.e2e.retrying import send
from tests.e2e.test_queue_booking import (  # noqa: F401 (the fixture retires test offices)
    TENANT,
    auth,
    book,
    make_office,
    retire_test_offices,
    slots,
)
from tests.integration.queue.offices import admin_claims, citizen_claims, visit_day
from tests.stack import Gateway

SERVICE = "residence-registration"  # 15 minutes: one slot per grid cell


def test_an_alert_moves_bookings_past_it_and_closes_its_range(gateway: Gateway) -> None:
    oid = make_office(gateway, windows=1)
    day = visit_day().isoformat()
    grid = slots(gateway, oid, SERVICE, day)
    victim_headers = auth(gateway, citizen_claims())
    victim = book(gateway, victim_headers, oid, grid[0]["start"], service=SERVICE).json()
    blocker = book(gateway, auth(gateway, citizen_claims()), oid, grid[2]["start"], service=SERVICE)
    assert blocker.status_code == 201
    staff = gateway.staff("alert-officer", TENANT)
    alert = send(
        gateway,
        "POST",
        f"/api/v1/{TENANT}/queue/offices/{oid}/alerts",
        json={"starts_at": grid[0]["start"], "ends_at": grid[1]["end"], "reason": "Тривога"},
        headers=staff,
    )
    assert alert.status_code == 201, alert.text
    assert alert.json()["moved"] == [victim["id"]] and alert.json()["cancelled"] == []
    moved = send(
        gateway, "GET", f"/api/v1/{TENANT}/queue/bookings/{victim['id']}", headers=victim_headers
    ).json()
    assert moved["status"] == "booked" and moved["start"] == grid[3]["start"]
    assert moved["history"][-1]["action"] == "move" and "Тривога" in moved["history"][-1]["reason"]
    after = {s["start"]: s for s in slots(gateway, oid, SERVICE, day)}
    assert grid[0]["start"] not in after and grid[1]["start"] not in after  # closed by the alert
    assert after[grid[3]["start"]]["available"] == 0

    citizen = send(
        gateway,
        "POST",
        f"/api/v1/{TENANT}/queue/offices/{oid}/alerts",
        json={"starts_at": grid[5]["start"], "ends_at": grid[6]["end"]},
        headers=victim_headers,
    )
    assert citizen.status_code == 403


def test_the_alert_webhook_needs_the_councils_key(gateway: Gateway) -> None:
    oid = make_office(gateway, windows=1)
    grid = slots(gateway, oid, SERVICE, visit_day().isoformat())
    me = auth(gateway, citizen_claims())
    booking = book(gateway, me, oid, grid[10]["start"], service=SERVICE).json()
    admin = auth(gateway, admin_claims(TENANT))
    key = send(gateway, "POST", f"/api/v1/{TENANT}/queue/alerts/webhook-key", headers=admin)
    assert key.status_code == 201
    # The gateway lets no write through without a bearer token: the integration has one.
    integration = auth(gateway, {"sub": "alert-integration", "name": "Alerts", "roles": []})
    body = {"office_id": oid, "starts_at": grid[10]["start"], "ends_at": grid[10]["end"]}
    path = f"/api/v1/{TENANT}/queue/alerts/webhook"
    wrong = send(gateway, "POST", path, json=body, headers={**integration, "X-Alert-Key": "nope"})
    assert wrong.status_code == 401
    right = send(
        gateway, "POST", path, json=body, headers={**integration, "X-Alert-Key": key.json()["key"]}
    )
    assert right.status_code == 201, right.text
    assert right.json()["moved"] == [booking["id"]]
