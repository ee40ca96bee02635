"""Which due days (and 32-day spans of them) a council has appeals on: what a staff list walks.

Why markers at all: FerretDB pushes only top-level equality filters down to PostgreSQL and
sorts in its own memory, so a list walks the due date in order, one equality read per day or
span (see listing.py). It must know which days are in use without reading the appeals.

Two levels, so a list never reads every day a council ever had: one marker per (council,
span) in `due_spans`, one per (council, day) in `due_days`, the day's marker carrying its span
(read by equality). A council with appeals due over five years has ~60 spans; a page reads the
spans, then the days of the first span or two (measured: the 1,800 day markers of such a
council took ~100 ms to read at each request; the spans and one span's days take ~10 ms).

A marker is written before the appeal that needs it, by unique `_id` (a duplicate means it is
there already), so a listed day is never missing; a marker whose appeals moved away only costs
an empty read.

What a council's calendar holds is kept in this process for CALENDAR_TTL_S (its reads are one
or two rounds of a page's four or five): a day this process marks is seen at once, a day
another replica marks within CALENDAR_TTL_S. So an appeal filed on another replica, due on a
day no appeal was due before, can be missing from this replica's lists for up to 2 s.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.appeals.listing import due_span

DUE_DAYS = "due_days"
DUE_SPANS = "due_spans"
CALENDAR_TTL_S = 2.0


def within(value: int, first: int | None, last: int | None) -> bool:
    return (first is None or value >= first) and (last is None or value <= last)


class DueCalendar:
    """Writes markers (once per process for each) and reads them for one list request."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.days = db[DUE_DAYS]
        self.spans = db[DUE_SPANS]
        self._marked: set[tuple[str, int]] = set()  # days this process has marked
        self._known: dict[str, KnownCalendar] = {}  # what lists read lately, per council

    async def ensure_indexes(self) -> None:
        await self.days.create_index([("tenant", ASCENDING), ("span", ASCENDING)])
        await self.spans.create_index([("tenant", ASCENDING)])

    async def mark(self, tenant: str, day: int) -> None:
        """The span's marker, then the day's: a reader who sees the day sees its span."""
        if (tenant, day) in self._marked:
            return
        span = due_span(day)
        await self._insert_once(
            self.spans, {"_id": f"{tenant}|{span}", "tenant": tenant, "span": span}
        )
        marker = {"_id": f"{tenant}|{day}", "tenant": tenant, "day": day, "span": span}
        await self._insert_once(self.days, marker)
        self._marked.add((tenant, day))
        self._known.pop(tenant, None)

    async def add_spans_to_old_markers(self) -> None:
        """Day markers written before spans existed get their span and its marker."""
        async for doc in self.days.find({"span": {"$exists": False}}):
            span = due_span(doc["day"])
            tenant = doc["tenant"]
            await self._insert_once(
                self.spans, {"_id": f"{tenant}|{span}", "tenant": tenant, "span": span}
            )
            await self.days.update_one({"_id": doc["_id"]}, {"$set": {"span": span}})

    def view(self, tenant: str) -> CalendarView:
        known = self._known.get(tenant)
        if known is None or known.expires_at <= time.monotonic():
            known = self._known[tenant] = KnownCalendar(time.monotonic() + CALENDAR_TTL_S)
        return CalendarView(self, tenant, known)

    @staticmethod
    async def _insert_once(collection: Any, doc: dict[str, Any]) -> None:
        try:
            await collection.insert_one(doc)
        except DuplicateKeyError:
            pass


@dataclass
class KnownCalendar:
    """A council's spans and the days of some of them, as read until `expires_at`."""

    expires_at: float
    spans: list[int] | None = None
    days: dict[int, list[int]] = field(default_factory=dict)


class CalendarView:
    """One council's spans and days in order, each list read at most once while it is known;
    `first`/`last` bound them (None: open)."""

    def __init__(self, calendar: DueCalendar, tenant: str, known: KnownCalendar) -> None:
        self.calendar = calendar
        self.tenant = tenant
        self.known = known

    async def spans(self, first_day: int | None, last_day: int | None) -> list[int]:
        if self.known.spans is None:
            cursor = self.calendar.spans.find({"tenant": self.tenant}, {"span": 1})
            self.known.spans = sorted({doc["span"] async for doc in cursor})
        first = None if first_day is None else due_span(first_day)
        last = None if last_day is None else due_span(last_day)
        return [s for s in self.known.spans if within(s, first, last)]

    async def days(self, span: int, first_day: int | None, last_day: int | None) -> list[int]:
        if span not in self.known.days:
            cursor = self.calendar.days.find({"tenant": self.tenant, "span": span}, {"day": 1})
            self.known.days[span] = sorted({doc["day"] async for doc in cursor})
        return [d for d in self.known.days[span] if within(d, first_day, last_day)]
