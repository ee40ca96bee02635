"""The hall: ticket numbers and who is called next.

Order at a window (only tickets for services it serves): a booked visitor whose time has come
first (earliest time first), then priority beneficiaries (veterans, people with disabilities,
pregnant women...), then walk-ins in the order they came; booked visitors who came early wait
after them until their time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

TICKET_STATUSES = frozenset({"waiting", "called", "served", "no_show"})


def ticket_number(letter: str, n: int) -> str:
    """A-017: the service's letter and the day's running number at the office."""
    return f"{letter}-{n:03d}"


def call_rank(ticket: Mapping[str, Any], now: datetime, grace: timedelta) -> tuple[int, datetime]:
    issued: datetime = ticket["issued_at"]
    if ticket["kind"] == "booked":
        start: datetime = ticket["start"]
        return (0, start) if start <= now + grace else (3, start)
    return (1, issued) if ticket.get("priority") else (2, issued)


def next_ticket(
    waiting: Iterable[Mapping[str, Any]],
    window_services: set[str],
    now: datetime,
    grace: timedelta = timedelta(minutes=5),
) -> Mapping[str, Any] | None:
    candidates = [t for t in waiting if t["service_code"] in window_services]
    if not candidates:
        return None
    return min(candidates, key=lambda t: call_rank(t, now, grace))


def waiting_order(
    waiting: Iterable[Mapping[str, Any]], now: datetime, grace: timedelta = timedelta(minutes=5)
) -> list[Mapping[str, Any]]:
    """Everyone waiting, in calling order (for the board)."""
    return sorted(waiting, key=lambda t: call_rank(t, now, grace))
