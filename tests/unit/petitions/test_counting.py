"""The signature counter: remembered closed seconds plus a recount of the open ones always
equals a full recount, whatever arrives when."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from services.petitions.counting import MAX_OPEN_SLOTS, SignatureCounter
from services.petitions.signatures import slot_of

T0 = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)


class FakeSignatures:
    """Signatures as (tenant, petition, slot) with the repository's counting calls."""

    def __init__(self) -> None:
        self.slots: Counter[tuple[str, str, int]] = Counter()
        self.full_counts = 0
        self.slot_queries = 0

    def sign(self, at: datetime, petition: str = "p", n: int = 1) -> None:
        self.slots[("t", petition, slot_of(at))] += n

    async def count_by_slot(self, tenant: str, petition_id: str) -> dict[int, int]:
        self.full_counts += 1
        return {s: n for (t, p, s), n in self.slots.items() if (t, p) == (tenant, petition_id)}

    async def count_in_slot(self, tenant: str, petition_id: str, slot: int) -> int:
        self.slot_queries += 1
        return self.slots[(tenant, petition_id, slot)]

    def total(self, petition: str = "p") -> int:
        return sum(n for (_, p, _), n in self.slots.items() if p == petition)


async def test_first_count_is_a_full_recount_then_only_open_seconds_are_read() -> None:
    fake = FakeSignatures()
    counter = SignatureCounter(fake, grace_s=3)  # type: ignore[arg-type]
    for i in range(20):
        fake.sign(T0 + timedelta(seconds=i), n=5)
    now = T0 + timedelta(seconds=20)
    assert await counter.count("t", "p", now) == 100 == fake.total()
    assert fake.full_counts == 1
    fake.sign(now, n=7)
    fake.sign(now + timedelta(seconds=1), n=3)
    later = now + timedelta(seconds=1)
    assert await counter.count("t", "p", later) == 110 == fake.total()
    assert fake.full_counts == 1  # no second full recount
    assert fake.slot_queries <= 6  # just the open seconds


async def test_signatures_landing_in_open_seconds_are_counted_later() -> None:
    fake = FakeSignatures()
    counter = SignatureCounter(fake, grace_s=3)  # type: ignore[arg-type]
    now = T0
    assert await counter.count("t", "p", now) == 0
    for step in range(1, 30):
        moment = T0 + timedelta(seconds=step)
        fake.sign(moment, n=step)
        # An insert "in flight" lands one second late, still within the grace.
        fake.sign(moment - timedelta(seconds=1), n=1)
        assert await counter.count("t", "p", moment) == fake.total()


async def test_a_long_idle_petition_is_recounted_in_full() -> None:
    fake = FakeSignatures()
    counter = SignatureCounter(fake, grace_s=3)  # type: ignore[arg-type]
    fake.sign(T0, n=4)
    assert await counter.count("t", "p", T0) == 4
    much_later = T0 + timedelta(seconds=MAX_OPEN_SLOTS + 10)
    fake.sign(much_later, n=2)
    assert await counter.count("t", "p", much_later) == 6
    assert fake.full_counts == 2


async def test_petitions_are_counted_apart() -> None:
    fake = FakeSignatures()
    counter = SignatureCounter(fake, grace_s=3)  # type: ignore[arg-type]
    fake.sign(T0, "a", 3)
    fake.sign(T0, "b", 5)
    assert await counter.count("t", "a", T0) == 3
    assert await counter.count("t", "b", T0) == 5


async def test_full_count_includes_open_seconds_and_resets_what_is_remembered() -> None:
    fake = FakeSignatures()
    counter = SignatureCounter(fake, grace_s=3)  # type: ignore[arg-type]
    fake.sign(T0, n=2)
    assert await counter.count("t", "p", T0 + timedelta(seconds=10)) == 2
    # A straggler in a second the counter already closed: only a full recount sees it...
    fake.sign(T0, n=1)
    assert await counter.count("t", "p", T0 + timedelta(seconds=11)) == 2
    # ...which the leader's sweep makes, and the counter goes on from it.
    assert await counter.full_count("t", "p", T0 + timedelta(seconds=12)) == 3
    assert await counter.count("t", "p", T0 + timedelta(seconds=13)) == 3
