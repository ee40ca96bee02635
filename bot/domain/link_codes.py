"""One-time link codes: the cabinet asks for one, the person opens the bot's deep link
(`https://t.me/<bot>?start=<code>`) and the chat is tied to them. A code works once, only in
its own council's bot, and only for a few minutes."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# Telegram's `start` parameter allows up to 64 characters of A-Z, a-z, 0-9, _ and -.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CODE_BYTES = 18  # 24 URL-safe characters, 144 bits: not guessable within a code's minutes

LinkCheck = Literal["ok", "invalid", "expired", "other_council"]


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def looks_like_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(text))


@dataclass(frozen=True)
class LinkCode:
    code: str
    tenant: str
    sub: str
    name: str
    email: str | None
    residence: str | None
    expires_at: datetime


def check_code(code: LinkCode | None, tenant: str, now: datetime) -> LinkCheck:
    """Whether `code` may link a chat of `tenant`'s bot now (its single use is arbitrated
    separately, by a unique index)."""
    if code is None:
        return "invalid"
    if code.tenant != tenant:
        return "other_council"
    if code.expires_at <= now:
        return "expired"
    return "ok"
