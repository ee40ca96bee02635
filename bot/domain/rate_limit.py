"""Per-chat rate limit: at most N messages in any minute-long window; the first message over
the limit gets one polite "slow down", the rest of the burst is dropped silently (answering
each would be its own flood)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal["ok", "warn", "drop"]


@dataclass
class _Window:
    times: deque[float] = field(default_factory=deque)
    warned: bool = False


class ChatRateLimiter:
    """In-process: each replica counts what it receives (Telegram sends a chat's updates to
    one webhook at a time, so one replica sees most of a burst)."""

    def __init__(self, per_minute: int, window_s: float = 60.0, max_chats: int = 100_000) -> None:
        self.per_minute = per_minute
        self.window_s = window_s
        self.max_chats = max_chats
        self._chats: dict[str, _Window] = {}

    def check(self, chat: str, now: float) -> Verdict:
        window = self._chats.get(chat)
        if window is None:
            if len(self._chats) >= self.max_chats:
                self._forget_idle(now)
            window = self._chats[chat] = _Window()
        while window.times and window.times[0] <= now - self.window_s:
            window.times.popleft()
        if len(window.times) < self.per_minute:
            window.times.append(now)
            window.warned = False
            return "ok"
        if window.warned:
            return "drop"
        window.warned = True
        return "warn"

    def _forget_idle(self, now: float) -> None:
        idle = [c for c, w in self._chats.items() if not w.times or w.times[-1] <= now - 60]
        for chat in idle:
            del self._chats[chat]
