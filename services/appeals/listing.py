"""Appeal lists: filters and keyset (cursor) pagination, priority first, then the due date.

A cursor is the sort key of the last item shown, so new appeals never shift what the next page
shows.

Broad staff lists walk the due date one day at a time (`DayWalk`). FerretDB pushes only
top-level equality filters down to PostgreSQL and sorts and limits in its own memory, so "the
council's appeals by due date" read and sorted every appeal the council has (seconds at
100,000). Each appeal carries `due_day` (days since the epoch of `due_at`, UTC) and each day in
use has a marker (`due_days`); a page then reads the days in order, each an indexed equality
read of a few dozen appeals, until it is full. Selective lists (one citizen's, one assignee's)
read their few matches directly instead; thin matches are read by 32-day spans (`due_span`)
the same way. How many days a round reads: list_walk.py; which days and spans are in use:
due_calendar.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING

from services.appeals.domain import OPEN_STATUSES
from services.appeals.domain.similarity import subject_tokens

LIST_SORT = [("priority", DESCENDING), ("due_at", ASCENDING), ("_id", ASCENDING)]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def due_day(due_at: datetime) -> int:
    """The bucket a list walks by: whole UTC days since the epoch (monotonic in `due_at`)."""
    aware = due_at if due_at.tzinfo else due_at.replace(tzinfo=UTC)
    return (aware - _EPOCH).days


DAYS_PER_SPAN = 32


def due_span(day: int) -> int:
    """The coarser bucket: DAYS_PER_SPAN consecutive due days (monotonic in the day). Thin
    matches are read a span at a time instead of a day at a time."""
    return day // DAYS_PER_SPAN


@dataclass(frozen=True)
class DayWalk:
    """Where a broad list starts and stops walking due days. `segments` are the priority
    values still to show, in order (priority first); the first one starts at `start_day`
    (the cursor's day, or the earliest day), later ones at their earliest day."""

    segments: tuple[bool, ...]
    start_day: int | None
    until_day: int | None
    # Which list this is, for the density it showed last time (list_walk.py).
    hint_key: Hashable = field(default=None, compare=False)


def plan_day_walk(filters: ListFilters, now: datetime, cursor: str | None) -> DayWalk | None:
    """How to read a staff list by days, or None when its matches are few enough to read
    directly (one citizen's, one assignee's)."""
    if filters.citizen_sub is not None or filters.assignee:
        return None
    segments: tuple[bool, ...] = (True, False)
    if filters.priority is not None:
        segments = (filters.priority,)
    start_day = None
    if cursor:
        priority, due, _ = decode_cursor(cursor)
        segments = tuple(p for p in segments if p == priority or (priority and not p))
        start_day = due_day(due)
    # Overdue means due before now: no later day can hold one.
    until_day = due_day(now) if filters.overdue is True else None
    return DayWalk(segments, start_day, until_day, hint_key=filters)


class BadCursor(Exception):
    """The cursor was not produced by this service."""


@dataclass(frozen=True)
class ListFilters:
    status: str | None = None
    department: str | None = None
    assignee: str | None = None
    overdue: bool | None = None
    priority: bool | None = None
    text: str | None = None
    citizen_sub: str | None = None  # a citizen's list is always their own


def encode_cursor(doc: dict[str, Any]) -> str:
    key = [bool(doc.get("priority")), doc["due_at"].isoformat(), doc["_id"]]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[bool, datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        priority, due, last_id = json.loads(raw)
        return bool(priority), datetime.fromisoformat(due), str(last_id)
    except (ValueError, TypeError) as exc:
        raise BadCursor(cursor) from exc


def _after(cursor: str) -> dict[str, Any]:
    priority, due, last_id = decode_cursor(cursor)
    later: list[dict[str, Any]] = [
        {"priority": priority, "due_at": {"$gt": due}},
        {"priority": priority, "due_at": due, "_id": {"$gt": last_id}},
    ]
    if priority:
        later.append({"priority": False})
    return {"$or": later}


def build_query(
    tenant: str, filters: ListFilters, now: datetime, cursor: str | None
) -> dict[str, Any]:
    query: dict[str, Any] = {"tenant": tenant}
    clauses: list[dict[str, Any]] = []
    if filters.citizen_sub is not None:
        query["citizen_sub"] = filters.citizen_sub
    if filters.status:
        query["status"] = filters.status
    if filters.department:
        query["department"] = filters.department
    if filters.assignee:
        query["assignee"] = filters.assignee
    if filters.priority is not None:
        query["priority"] = filters.priority
    if filters.overdue is True:
        clauses += [{"status": {"$in": list(OPEN_STATUSES)}}, {"due_at": {"$lt": now}}]
    elif filters.overdue is False:
        clauses.append(
            {"$or": [{"status": {"$nin": list(OPEN_STATUSES)}}, {"due_at": {"$gte": now}}]}
        )
    if filters.text:
        tokens = sorted(subject_tokens(filters.text))
        if tokens:
            # One token as a plain equality (array contains) is pushed down to SQL and narrows
            # the read; `$all` is not, so it checks the rest.
            query["subject_tokens"] = tokens[0]
            clauses.append({"subject_tokens": {"$all": tokens}})
    if cursor:
        clauses.append(_after(cursor))
    if clauses:
        query["$and"] = clauses
    return query
