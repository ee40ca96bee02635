"""The voting hot path's caches: entries expire, the map stays bounded, seat hints only ever
name seats a voter was seen to take."""

from services.budget.read_cache import SeatHints, TtlCache


def test_entries_expire_after_their_ttl_and_can_be_dropped() -> None:
    now = [100.0]
    cache: TtlCache[str] = TtlCache(1.0, clock=lambda: now[0])
    cache.put("a", "cycle")
    assert cache.get("a") == "cycle"
    now[0] += 1.5
    assert cache.get("a") is None
    cache.put("b", "cycle")
    cache.drop("b")
    assert cache.get("b") is None


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: TtlCache[int] = TtlCache(None, max_entries=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_seat_hints_per_voter_and_category() -> None:
    hints = SeatHints()
    assert not hints.is_taken("v1", 1, "small", "1")
    hints.note("v1", 1, "small", "1", "p1")
    assert hints.voted_for("v1", "p1")
    assert not hints.voted_for("v1", "p2")
    assert not hints.voted_for("v2", "p1")
    assert hints.is_taken("v1", 1, "large", "1")  # the ballot seat is taken in any category
    assert hints.is_taken("v1", 2, "small", "1")  # the category seat is taken
    assert not hints.is_taken("v1", 2, "large", "1")
    assert not hints.is_taken("v2", 1, "small", "1")
