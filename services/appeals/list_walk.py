"""How a staff list reads one priority segment in due order: a range of due days per round.

Why rounds: FerretDB returns every appeal a read matches (no sort or limit in SQL) and spends
~0.2-0.4 ms of CPU on each, so a page reads only the due days it needs, in order (listing.py).
How many it needs depends on how many of each day's appeals match the filters, which only
reading tells; and every round is a wait of its own, most of a page's time.

So each round covers a range of calendar days sized to fill the page at the density seen so
far (matches per calendar day, and a quarter more for the unevenness of days):
- a range of up to MAX_DAY_READS days is read one indexed equality read per day in use, all at
  once;
- a longer one by 32-day spans (listing.due_span), up to MAX_SPAN_READS at once: thin matches
  (one department's overdue appeals) come a span per read instead of a day per read.
With no density yet a walk starts with one day and grows at most 2x a round while it finds
matches, 4x while it finds none; it turns to spans only after MIN_DAYS_TO_JUDGE days, since a
council's first due day is often nearly empty while a busy council's span is thousands of
appeals (measured: 260 ms).

Each walk leaves its density behind (the repository keeps it for the 1,024 lists walked last:
per council, filter set and priority, in this process). Staff open the same lists again and
again, and the next request then reads the range that fills its page in its first round. A
hint only sizes reads: a wrong one costs a round or some appeals read in vain, never a wrong
page.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from services.appeals import listing
from services.appeals.due_calendar import CalendarView, within

Doc = dict[str, Any]
MAX_DAY_READS = 16
MAX_SPAN_READS = 16  # 16 spans: about a year and a half of a council's due dates
MIN_DAYS_TO_JUDGE = 4
MARGIN = 1.25


def first_range(wanted: int, density: float | None) -> int:
    """Calendar days the first round covers: what fills the page at the density this list had
    last time, or one day."""
    if density is None:
        return 1
    if density == 0:  # nothing matched last time: as far as a round reaches
        return MAX_SPAN_READS * listing.DAYS_PER_SPAN
    return max(1, math.ceil(wanted / density * MARGIN))


def next_range(wanted: int, found: int, covered: int, last: int) -> int:
    """Calendar days the next round covers, with `found` matches in the `covered` days so far,
    `wanted` more to find, and `last` days covered by the last round."""
    if found == 0:
        return last * 4  # an empty stretch says little, and each round is a wait
    estimate = math.ceil(wanted / (found / covered) * MARGIN)
    return max(1, min(estimate, last * 2))  # a thin first day must not make us read a week


def span_start(span: int) -> int:
    return span * listing.DAYS_PER_SPAN


def in_list_order(docs: list[Doc]) -> list[Doc]:
    """Within one day or span, the list's own order (the walk gives the order across them)."""
    return sorted(docs, key=lambda d: (d["due_at"], d["_id"]))


@dataclass
class SegmentWalk:
    """One priority segment of a list: its days in use (`calendar`, from `first_day` to
    `last_day`, None: open) and how to read a day's or a span's matches."""

    calendar: CalendarView
    first_day: int | None
    last_day: int | None
    read_day: Callable[[int], Awaitable[list[Doc]]]
    read_span: Callable[[int], Awaitable[list[Doc]]]

    async def walk(self, limit: int, hint: float | None) -> tuple[list[Doc], float | None]:
        """Up to `limit` matches in list order, and the density seen (None: no day in use)."""
        spans = await self.calendar.spans(self.first_day, self.last_day)
        while spans and not await self.calendar.days(spans[0], self.first_day, self.last_day):
            spans.pop(0)  # a span whose days all lie before the cursor's
        if not spans:
            return [], None
        # Density counts calendar days from the first day in use, not from its span's start.
        start = (await self.calendar.days(spans[0], self.first_day, self.last_day))[0]
        found: list[Doc] = []
        covered_to = start  # days before this one are covered
        size, judged = first_range(limit, hint), hint is not None
        while spans:
            begin = max(covered_to, span_start(spans[0]))
            if size <= MAX_DAY_READS or not judged:
                days = await self._days_from(spans, begin, size)
                if not days:
                    break
                reads = await asyncio.gather(*(self.read_day(d) for d in days))
                for docs in reads:
                    found.extend(in_list_order(docs))
                capped = len(days) == MAX_DAY_READS or days[-1] >= begin + size
                reached = days[-1] + 1 if capped else begin + size
            else:
                until = begin + size
                count = sum(1 for s in spans[:MAX_SPAN_READS] if span_start(s) < until) or 1
                reads = await asyncio.gather(*(self.read_span(s) for s in spans[:count]))
                for docs in reads:
                    kept = [d for d in docs if within(d["due_day"], begin, self.last_day)]
                    found.extend(in_list_order(kept))
                reached = span_start(spans[count - 1] + 1)
            last, covered_to = reached - begin, reached
            spans = [s for s in spans if span_start(s + 1) > covered_to]
            if len(found) >= limit:
                break
            covered = covered_to - start
            judged = judged or covered >= MIN_DAYS_TO_JUDGE
            size = next_range(limit - len(found), len(found), covered, last)
        end = covered_to if self.last_day is None else min(covered_to, self.last_day + 1)
        return found[:limit], len(found) / max(1, end - start)

    async def _days_from(self, spans: list[int], begin: int, size: int) -> list[int]:
        """The days in use from `begin` in the next `size` calendar days (at least the first
        one, whenever it is), at most MAX_DAY_READS."""
        days: list[int] = []
        for span in spans:
            if days and span_start(span) >= begin + size:
                break
            in_use = await self.calendar.days(span, begin, self.last_day)
            days += [d for d in in_use if d < begin + size] or ([] if days else in_use[:1])
            if len(days) >= MAX_DAY_READS:
                return days[:MAX_DAY_READS]
        return days
