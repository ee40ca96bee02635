"""The tamper-evident audit trail: a hash chain whose verification names the first broken link."""

from __future__ import annotations

import copy
import itertools
from datetime import UTC, datetime, timedelta

from services.appeals.domain import SYSTEM, Actor, first_broken_seq, next_entry
from services.appeals.domain.audit import GENESIS, entry_hash

T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
OFFICIAL = Actor("o1", "official")


def chain(length: int = 4) -> list[dict[str, object]]:
    audit: list[dict[str, object]] = []
    for i in range(length):
        entry = next_entry(audit, T0 + timedelta(minutes=i), OFFICIAL, f"step{i}", {"i": i})
        audit.append(entry)
    return audit


def test_entries_link_to_the_previous_hash() -> None:
    audit = chain()
    assert audit[0]["prev_hash"] == GENESIS
    assert [e["seq"] for e in audit] == [1, 2, 3, 4]
    for previous, entry in itertools.pairwise(audit):
        assert entry["prev_hash"] == previous["hash"]
        assert entry["hash"] == entry_hash(entry)
    assert first_broken_seq(audit) is None


def test_an_edited_entry_is_the_first_broken_link() -> None:
    audit = chain()
    audit[1]["details"] = {"i": 99}  # someone rewrote history in the database
    assert first_broken_seq(audit) == 2


def test_a_recomputed_hash_still_breaks_the_next_link() -> None:
    audit = chain()
    forged = copy.deepcopy(audit[1])
    forged["action"] = "forged"
    forged["hash"] = entry_hash(forged)
    audit[1] = forged
    assert first_broken_seq(audit) == 3


def test_a_removed_entry_is_detected() -> None:
    audit = chain()
    del audit[2]
    assert first_broken_seq(audit) == 4


def test_times_are_stored_as_strings_so_a_roundtrip_keeps_the_hash() -> None:
    entry = next_entry([], T0, SYSTEM, "due_soon", {"due_at": T0})
    assert entry["details"] == {"due_at": "2026-03-10T09:00:00.000+00:00"}
    assert entry["actor"] == {"sub": "system", "role": "system"}
