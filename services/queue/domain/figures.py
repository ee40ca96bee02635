"""ASC quality figures: how long people waited to be called, how long a visit took, how many
did not come, per office and day, and the council's totals. Medians, because one stuck ticket
should not move the picture; the dashboard does not add medians across councils."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


def wait_minutes(ticket: Mapping[str, Any]) -> float | None:
    """From arrival (or the booked time, for one who came early) to being called."""
    called = ticket.get("called_at")
    if not isinstance(called, datetime):
        return None
    since: datetime = ticket["issued_at"]
    start = ticket.get("start")
    if isinstance(start, datetime) and start > since:
        since = start
    return max(0.0, (called - since).total_seconds() / 60)


def service_minutes(ticket: Mapping[str, Any]) -> float | None:
    called, served = ticket.get("called_at"), ticket.get("served_at")
    if isinstance(called, datetime) and isinstance(served, datetime):
        return max(0.0, (served - called).total_seconds() / 60)
    return None


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def hall_figures(tickets: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    tickets = list(tickets)
    waits = [w for t in tickets if (w := wait_minutes(t)) is not None]
    services = [s for t in tickets if (s := service_minutes(t)) is not None]
    return {
        "tickets": len(tickets),
        "served": sum(t.get("status") == "served" for t in tickets),
        "no_shows": sum(t.get("status") == "no_show" for t in tickets),
        "median_wait_minutes": _median(waits),
        "median_service_minutes": _median(services),
    }


def queue_figures(tickets: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The council's totals, and the same per office and day."""
    tickets = list(tickets)
    by_office_day: dict[str, dict[str, list[Mapping[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for t in tickets:
        by_office_day[str(t.get("office_id"))][str(t.get("day"))].append(t)
    return {
        **hall_figures(tickets),
        "offices": {
            office: {day: hall_figures(ts) for day, ts in sorted(days.items())}
            for office, days in sorted(by_office_day.items())
        },
    }
