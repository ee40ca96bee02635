"""The hall through the gateway: check-in gives a ticket, walk-ins, call-next order, served /
no-show, the public board and its server-sent-events stream, and the council's figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.retrying import send
from tests.e2e.test_queue_booking import (  # noqa: F401 (the fixture retires test offices)
    TENANT,
    auth,
    book,
    make_office,
    retire_test_offices,
    slots,
)
from tests.integration.queue.offices import as_utc, citizen_claims, tomorrow_in_kyiv
from tests.stack import Gateway, wait_for


def next_slot_today_or_tomorrow(gateway: Gateway, oid: str) -> str:
    """The first slot that has not begun (the test office is open round the clock)."""
    tomorrow = tomorrow_in_kyiv()
    found: list[Any] = []
    for day in (tomorrow - timedelta(days=1), tomorrow):
        found += slots(gateway, oid, "residence-registration", day.isoformat())
    now = datetime.now(UTC)
    return str(
        min((s for s in found if as_utc(s["start"]) > now), key=lambda s: s["start"])["start"]
    )


def test_check_in_walk_ins_call_next_and_the_board(gateway: Gateway) -> None:
    oid = make_office(gateway, windows=1)
    staff = gateway.staff("operator-1", TENANT)
    base = f"/api/v1/{TENANT}/queue/offices/{oid}"
    walk = send(
        gateway, "POST", f"{base}/tickets", json={"service_code": "fop-registration"}, headers=staff
    )
    assert walk.status_code == 201, walk.text
    prio = send(
        gateway,
        "POST",
        f"{base}/tickets",
        json={"service_code": "fop-registration", "priority": True},
        headers=staff,
    )
    me = auth(gateway, citizen_claims())
    start = next_slot_today_or_tomorrow(gateway, oid)
    booking = book(gateway, me, oid, start, service="residence-registration").json()
    ticket = send(
        gateway, "POST", f"/api/v1/{TENANT}/queue/bookings/{booking['id']}/check-in", headers=staff
    )
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["number"] == "C-001"  # residence registration's letter, first today
    assert (walk.json()["number"], prio.json()["number"]) == ("E-001", "E-002")
    board = send(gateway, "GET", f"{base}/board").json()
    assert set(board["waiting"]) == {"C-001", "E-001", "E-002"}

    def booked_time_has_come() -> bool:  # the hall's grace: 5 minutes before the booked time
        return as_utc(start) <= datetime.now(UTC) + timedelta(minutes=5)

    def call_and_finish() -> str:
        answer = send(gateway, "POST", f"{base}/call-next", json={"window": 1}, headers=staff)
        assert answer.status_code == 200, answer.text
        number = str(answer.json()["ticket"]["number"])
        outcome = "no-show" if number == "E-001" else "served"
        done = send(gateway, "POST", f"{base}/tickets/{number}/{outcome}", headers=staff)
        assert done.status_code == 200, done.text
        return number

    due_before = booked_time_has_come()
    called = [call_and_finish()]
    due_after = booked_time_has_come()
    called += [call_and_finish(), call_and_finish()]
    # The booked visitor first once their time has come, else after the walk-ins; priority
    # before the walk-in who came earlier. (Undecided only if the time came mid-call.)
    if due_before == due_after:
        expected = ["C-001", "E-002", "E-001"] if due_before else ["E-002", "E-001", "C-001"]
        assert called == expected
    assert called.index("E-002") < called.index("E-001")
    empty = send(gateway, "POST", f"{base}/call-next", json={"window": 1}, headers=staff)
    assert empty.json() == {"ticket": None}
    mine = send(gateway, "GET", f"/api/v1/{TENANT}/queue/bookings/{booking['id']}", headers=me)
    assert mine.json()["status"] == "served" and mine.json()["ticket"] == "C-001"

    stats = send(gateway, "GET", f"/api/v1/{TENANT}/queue/stats", headers=staff).json()
    today = stats["offices"][oid]
    assert sum(d["served"] for d in today.values()) == 2
    assert sum(d["no_shows"] for d in today.values()) == 1
    citizen_stats = send(gateway, "GET", f"/api/v1/{TENANT}/queue/stats", headers=me)
    assert citizen_stats.status_code == 403

    # The regional dashboard asks queue for every council at once.
    cdto = auth(gateway, {"sub": "cdto-queue", "name": "CDTO", "roles": ["platform_admin"]})

    def queue_column() -> dict[str, Any] | None:
        board = send(gateway, "GET", "/api/v1/platform/dashboard", headers=cdto).json()
        row = next(t for t in board["tenants"] if t["slug"] == TENANT)
        return row["services"].get("queue")

    figures = wait_for(queue_column, 60, interval_s=1, what="queue figures on the dashboard")
    assert figures["served"] >= 2 and figures["no_shows"] >= 1
    assert oid in figures["offices"]


def test_the_board_streams_through_the_gateway_as_server_sent_events(gateway: Gateway) -> None:
    oid = make_office(gateway, windows=1)
    staff = gateway.staff("operator-2", TENANT)
    base = f"/api/v1/{TENANT}/queue/offices/{oid}"
    events: list[dict[str, Any]] = []
    with gateway.http.stream("GET", f"{base}/board/stream") as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("data:"):
                events.append(json.loads(line[5:]))
                if len(events) > 1:
                    break
                issued = send(
                    gateway,
                    "POST",
                    f"{base}/tickets",
                    json={"service_code": "fop-registration"},
                    headers=staff,
                )
                assert issued.status_code == 201
    assert events[0]["waiting"] == [] and events[1]["waiting"] == ["E-001"]


def test_another_councils_staff_cannot_run_the_hall(gateway: Gateway) -> None:
    oid = make_office(gateway, windows=1)
    other = gateway.staff("operator-uz", "uzhhorod")
    base = f"/api/v1/{TENANT}/queue/offices/{oid}"
    ticket = send(
        gateway, "POST", f"{base}/tickets", json={"service_code": "fop-registration"}, headers=other
    )
    assert ticket.status_code == 403
    call = send(gateway, "POST", f"{base}/call-next", json={"window": 1}, headers=other)
    assert call.status_code == 403
    assert wait_for(lambda: send(gateway, "GET", f"{base}/board").json(), 10)["waiting"] == []
