"""In-process caches for the voting hot path, so a vote usually costs one insert.

- Cycles for `CYCLE_TTL_S`: a pause or a phase change made on another replica is seen at most
  that much later here (this replica's own changes drop the entry at once). A vote that read
  the cycle just before a pause lands after it even without a cache; the window is the same
  kind, only a little wider.
- Projects once they are on the ballot: review happens once, in the review phase, and a
  project's cycle and category never change, so what a vote reads of them is final.
- Seat hints: seats a voter is known to hold, and for which projects (votes are never deleted,
  seats never freed), so the next vote tries a free one first instead of bouncing off each
  taken seat, and a refusal needs no read: a project noted here is certainly voted for; and when
  every seat a vote could take is noted, the voter's votes that could share them are exactly the
  noted ones, so an unnoted project is certainly not voted for ("no votes left"). A hint only
  ever names what this process saw stored; the unique indexes still decide every insert, so a
  missing hint (another replica, a restart) costs a round trip, not truth.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from cachetools import Cache, LRUCache, TTLCache

V = TypeVar("V")
CYCLE_TTL_S = 1.0


class TtlCache(Generic[V]):
    """A bounded map (least recently used out first) whose entries expire `ttl_s` after they
    were put (None: never)."""

    def __init__(
        self,
        ttl_s: float | None,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: Cache[str, V] = (
            LRUCache(max_entries) if ttl_s is None else TTLCache(max_entries, ttl_s, timer=clock)
        )

    def get(self, key: str) -> V | None:
        return self._entries.get(key)

    def put(self, key: str, value: V) -> None:
        self._entries[key] = value

    def drop(self, key: str) -> None:
        self._entries.pop(key, None)


class SeatHints:
    """Per voter and cycle: the ballot seats and (category, category seat) pairs seen taken, and
    the projects those votes were for."""

    def __init__(self, max_voters: int = 200_000) -> None:
        self._taken: TtlCache[tuple[set[int], set[tuple[str, str]], set[str]]] = TtlCache(
            None, max_voters
        )

    def is_taken(self, key: str, seat: int, category: str, category_seat: str) -> bool:
        found = self._taken.get(key)
        return found is not None and (seat in found[0] or (category, category_seat) in found[1])

    def voted_for(self, key: str, project_id: str) -> bool:
        found = self._taken.get(key)
        return found is not None and project_id in found[2]

    def note(self, key: str, seat: int, category: str, category_seat: str, project_id: str) -> None:
        found = self._taken.get(key)
        if found is None:
            found = (set(), set(), set())
            self._taken.put(key, found)
        found[0].add(seat)
        found[1].add((category, category_seat))
        found[2].add(project_id)
