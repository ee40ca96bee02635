"""A small time-limited cache for what nearly every request reads and rarely changes (a
council's policy, its catalogue): on FerretDB each read costs a round trip worth saving."""

from __future__ import annotations

import time
from typing import Generic, TypeVar

T = TypeVar("T")


class TtlCache(Generic[T]):
    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._items: dict[str, tuple[float, T]] = {}

    def get(self, key: str) -> T | None:
        found = self._items.get(key)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, key: str, value: T) -> None:
        self._items[key] = (time.monotonic() + self.ttl_s, value)

    def forget(self, key: str) -> None:
        self._items.pop(key, None)
