"""Who is called next: booked-at-time, then priority beneficiaries, then walk-ins in order."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from services.queue.domain.figures import queue_figures
from services.queue.domain.hall import next_ticket, ticket_number, waiting_order
from tests.unit.queue.builders import NOW


def ticket(number: str, kind: str, minutes_ago: int, **extra: Any) -> dict[str, Any]:
    return {
        "number": number,
        "kind": kind,
        "service_code": "s",
        "issued_at": NOW - timedelta(minutes=minutes_ago),
        "priority": False,
        "start": None,
        **extra,
    }


def test_ticket_numbers_look_like_A_017() -> None:
    assert ticket_number("A", 17) == "A-017"


def test_booked_at_their_time_then_priority_then_walk_ins_in_order() -> None:
    waiting = [
        ticket("B-001", "walk_in", 30),
        ticket("B-002", "walk_in", 20, priority=True),
        ticket("A-001", "booked", 5, start=NOW - timedelta(minutes=1)),
        ticket("A-002", "booked", 40, start=NOW + timedelta(hours=1)),  # came early
        ticket("B-003", "walk_in", 25),
    ]
    order = [t["number"] for t in waiting_order(waiting, NOW)]
    assert order == ["A-001", "B-002", "B-001", "B-003", "A-002"]


def test_a_window_calls_only_for_the_services_it_serves() -> None:
    waiting = [ticket("B-001", "walk_in", 30), ticket("C-001", "walk_in", 10, service_code="c")]
    chosen = next_ticket(waiting, {"c"}, NOW)
    assert chosen is not None and chosen["number"] == "C-001"
    assert next_ticket(waiting, {"x"}, NOW) is None


def test_quality_figures_wait_from_arrival_or_booked_time_and_count_no_shows() -> None:
    served = ticket(
        "A-001",
        "booked",
        30,
        start=NOW - timedelta(minutes=20),
        status="served",
        called_at=NOW - timedelta(minutes=10),
        served_at=NOW,
        office_id="o",
        day="d",
    )
    walk = ticket(
        "B-001",
        "walk_in",
        30,
        status="no_show",
        called_at=NOW - timedelta(minutes=0),
        office_id="o",
        day="d",
    )
    figures = queue_figures([served, walk])
    assert figures["served"] == 1 and figures["no_shows"] == 1
    assert figures["median_wait_minutes"] == 20.0  # 10 (booked since its time) and 30
    assert figures["median_service_minutes"] == 10.0
    assert figures["offices"]["o"]["d"]["tickets"] == 2
