"""How a staff list walks one priority segment (list_walk.SegmentWalk): whatever the density,
the hint or the shape of the calendar, a walk returns the first matches in due order; a
density left by an earlier walk makes the next one fill its page in one round."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.appeals.due_calendar import within
from services.appeals.list_walk import (
    MAX_DAY_READS,
    SegmentWalk,
    first_range,
    next_range,
)
from services.appeals.listing import due_span

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FakeCalendar:
    """The CalendarView a walk reads, over a fixed set of days in use."""

    def __init__(self, days: set[int]) -> None:
        self.all_days = sorted(days)

    async def spans(self, first_day: int | None, last_day: int | None) -> list[int]:
        first = None if first_day is None else due_span(first_day)
        last = None if last_day is None else due_span(last_day)
        return sorted({due_span(d) for d in self.all_days if within(due_span(d), first, last)})

    async def days(self, span: int, first_day: int | None, last_day: int | None) -> list[int]:
        return [d for d in self.all_days if due_span(d) == span and within(d, first_day, last_day)]


class Reads:
    """Matches by day, and a record of each read (days and spans) in the order made."""

    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs
        self.days: list[int] = []
        self.spans: list[int] = []

    async def day(self, day: int) -> list[dict[str, Any]]:
        self.days.append(day)
        return [d for d in self.docs if d["due_day"] == day]

    async def span(self, span: int) -> list[dict[str, Any]]:
        self.spans.append(span)
        return [d for d in self.docs if due_span(d["due_day"]) == span]


def council(rng: random.Random, days: range, per_day: float) -> list[dict[str, Any]]:
    docs = []
    for day in days:
        for n in range(int(per_day) + (rng.random() < per_day % 1)):
            due = EPOCH + timedelta(days=day, minutes=rng.randint(0, 1439))
            docs.append({"_id": f"{day}-{n}", "due_day": day, "due_at": due})
    return docs


def in_order(docs: list[dict[str, Any]]) -> list[str]:
    return [d["_id"] for d in sorted(docs, key=lambda d: (d["due_at"], d["_id"]))]


def walker(docs: list[dict[str, Any]], days: set[int], **bounds: Any) -> tuple[SegmentWalk, Reads]:
    reads = Reads(docs)
    calendar: Any = FakeCalendar(days)
    walk = SegmentWalk(
        calendar,
        first_day=bounds.get("first_day"),
        last_day=bounds.get("last_day"),
        read_day=reads.day,
        read_span=reads.span,
    )
    return walk, reads


@pytest.mark.parametrize("per_day", [0.0, 0.05, 0.7, 3.0, 60.0])
@pytest.mark.parametrize("hint", [None, 0.0, 0.01, 1.0, 500.0])
async def test_a_walk_returns_the_first_matches_in_due_order(
    per_day: float, hint: float | None
) -> None:
    rng = random.Random(f"{per_day}-{hint}")
    start = 20_000
    docs = council(rng, range(start, start + 400), per_day)
    # Days in use: the matches' days and more (a day marker says appeals are due, not that
    # any of them matches the filters), with gaps.
    days = {d["due_day"] for d in docs} | {start + n for n in range(0, 400, 3)}
    walk, _ = walker(docs, days)

    found, density = await walk.walk(21, hint)

    assert [d["_id"] for d in found] == in_order(docs)[:21]
    assert density is not None and density >= 0


async def test_bounds_keep_the_walk_between_the_cursor_day_and_today() -> None:
    rng = random.Random(3)
    docs = council(rng, range(20_000, 20_200), 2.0)
    days = {d["due_day"] for d in docs}
    walk, _ = walker(docs, days, first_day=20_050, last_day=20_120)

    found, _ = await walk.walk(1000, 0.0)

    assert [d["_id"] for d in found] == in_order(
        [d for d in docs if 20_050 <= d["due_day"] <= 20_120]
    )


async def test_the_density_a_walk_leaves_fills_the_next_page_in_one_round() -> None:
    rng = random.Random(5)
    docs = council(rng, range(20_000, 21_000), 0.4)  # thin: a page needs ~60 days
    days = {20_000 + n for n in range(1000)}
    first, first_reads = walker(docs, days)
    _, density = await first.walk(21, None)
    again, again_reads = walker(docs, days)

    found, _ = await again.walk(21, density)

    assert [d["_id"] for d in found] == in_order(docs)[:21]
    assert len(first_reads.days) + len(first_reads.spans) > 4  # found out round by round
    assert again_reads.days == [] and len(again_reads.spans) <= 3  # one round of spans


async def test_a_busy_council_is_read_by_days_even_when_its_first_day_is_thin() -> None:
    rng = random.Random(9)
    docs = council(rng, range(20_001, 20_100), 50.0) + council(rng, range(20_000, 20_001), 1.0)
    days = {d["due_day"] for d in docs}
    walk, reads = walker(docs, days)

    found, _ = await walk.walk(21, None)

    assert [d["_id"] for d in found] == in_order(docs)[:21]
    assert reads.spans == [] and len(reads.days) <= 3


async def test_a_busy_council_starting_mid_span_keeps_reading_by_days() -> None:
    # Its first day in use is 20 days into its span: density counts from that day, so the
    # density it leaves does not send the next request to read a span of 1,600 appeals.
    rng = random.Random(13)
    docs = council(rng, range(20_020, 20_100), 50.0)
    days = {d["due_day"] for d in docs}
    first, _ = walker(docs, days)
    _, density = await first.walk(21, None)
    again, reads = walker(docs, days)

    found, _ = await again.walk(21, density)

    assert density is not None and density > 20
    assert [d["_id"] for d in found] == in_order(docs)[:21]
    assert reads.spans == [] and len(reads.days) == 1


def test_rounds_grow_to_what_fills_the_page_at_the_density_seen() -> None:
    assert first_range(21, None) == 1
    assert first_range(21, 0.5) == 53  # 21 / 0.5 * 1.25
    assert first_range(21, 0.0) > MAX_DAY_READS  # nothing matched last time: spans
    assert next_range(21, 0, 1, 1) == 4  # nothing yet: four times as far
    assert next_range(11, 10, 2, 2) == 3  # 5 a day, 11 to go: 11 / 5 * 1.25
    assert next_range(20, 1, 15, 8) == 16  # thin, but at most twice the last round
    assert next_range(1, 20, 1, 1) == 1
