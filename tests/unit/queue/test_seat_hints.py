"""Seats a process is taking are remembered from the moment the insert is sent, so bookings sent
together go for different seats at once: no failed insert (a wasted database round trip) and
still never more than the capacity."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from services.queue.domain.errors import Refused
from tests.unit.queue.builders import FREE, TENANT, Queue, citizen, make_queue, office

SLOT = datetime(2026, 3, 11, 7, 0, tzinfo=UTC)  # 09:00 in Kyiv, a Wednesday


def count_inserts(q: Queue, collection: str) -> list[str]:
    """Records the `_id` of every insert sent to the collection, taken or refused."""
    fake = q.db[collection]
    sent: list[str] = []
    insert = fake.insert_one

    async def counting(doc: dict[str, Any]) -> None:
        sent.append(doc["_id"])
        await insert(doc)

    fake.insert_one = counting  # type: ignore[method-assign]
    return sent


async def book(q: Queue, sub: str, start: datetime) -> Any:
    return await q.use_cases.book(TENANT, citizen(sub), "cnap", FREE.code, start)


async def test_one_citizens_bookings_sent_together_take_different_monthly_seats() -> None:
    q = await make_queue(office(windows=1))
    sent = count_inserts(q, "month_seats")
    starts = [SLOT + timedelta(minutes=15 * i) for i in range(3)]
    booked = await asyncio.gather(*(book(q, "c-1", s) for s in starts))
    assert len({b["month_seat"] for b in booked}) == 3
    assert len(sent) == 3  # no clash on the same seat


async def test_citizens_sent_together_on_one_slot_go_to_different_windows() -> None:
    q = await make_queue(office(windows=3))
    sent = count_inserts(q, "slot_seats")
    booked = await asyncio.gather(*(book(q, f"c-{i}", SLOT) for i in range(3)))
    assert sorted(b["window"] for b in booked) == [1, 2, 3]
    assert len(sent) == 3  # each went straight to a free window


async def test_remembered_seats_are_only_an_order_the_insert_still_decides() -> None:
    q = await make_queue(office(windows=2))
    results = await asyncio.gather(
        *(book(q, f"c-{i}", SLOT) for i in range(10)), return_exceptions=True
    )
    assert sorted(r["window"] for r in results if isinstance(r, dict)) == [1, 2]
    assert sum(isinstance(r, Refused) and r.status == 409 for r in results) == 8
    # A seat given back is tried first again (not left behind as "taken").
    first = next(r for r in results if isinstance(r, dict))
    await q.use_cases.cancel(TENANT, citizen(first["citizen"]["sub"]), first["_id"])
    sent = count_inserts(q, "slot_seats")
    again = await book(q, "c-late", SLOT)
    assert again["window"] == first["window"] and len(sent) == 1
