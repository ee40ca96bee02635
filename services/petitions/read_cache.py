"""Recently read petitions, kept in this process for a moment so that a petition everyone is
looking at is not read from the database on every GET (each read costs FerretDB+PostgreSQL
about as much CPU as the whole request costs this service).

Freshness: an entry lives `ttl_s`. This process's own writes to a petition (publish, reject,
response, threshold or deadline outcome, a new signature count) drop its entry at once, so its
next read goes to the database; another replica's writes show here within `ttl_s`. A read that
was in flight while a write dropped the entry does not store what it read (the `epoch` check),
so an older copy can never outlive the write that replaced it.

Bounded: the least recently used entry goes first past `max_entries`. Entries are keyed by
the council and the id; the access rule (who may see an unpublished petition) is NOT cached —
the caller evaluates it on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from cachetools import TTLCache

V = TypeVar("V")


class ReadCache(Generic[V]):
    def __init__(
        self,
        ttl_s: float = 1.0,
        max_entries: int = 1_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s, self.max_entries = ttl_s, max_entries
        self.enabled = ttl_s > 0 and max_entries > 0
        # id -> (its council, value). Ids are unique across councils; the council is part of
        # every lookup, so one council's entry never answers another's.
        self._entries: TTLCache[str, tuple[str, V]] = TTLCache(
            max(1, max_entries), max(ttl_s, 1e-9), timer=clock
        )
        # Bumped by every write this process makes; see `store`.
        self.epoch = 0

    def get(self, tenant: str, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] != tenant:
            return None
        return entry[1]

    def store(self, tenant: str, key: str, value: V, read_at_epoch: int) -> None:
        """Keep what a read found, unless a write happened since the read began."""
        if self.enabled and read_at_epoch == self.epoch:
            self._entries[key] = (tenant, value)

    def drop(self, key: str) -> None:
        """This process wrote `key`: its next read goes to the database."""
        self.epoch += 1
        self._entries.pop(key, None)

    def clear(self) -> None:
        """This process wrote something every entry may reflect (a list page)."""
        self.epoch += 1
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


__all__ = ["ReadCache"]
