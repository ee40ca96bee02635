"""Linking a chat to a citizen: the cabinet (with the citizen's own token) asks for a one-time
code; `/start <code>` in the council's bot ties the chat to that person, and the bot then tells
notify (as that person, through the gateway) to deliver their notices to this chat."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import structlog

from bot.citizen_tokens import Citizen
from bot.domain.conversation import menu_reply
from bot.domain.link_codes import LinkCode, check_code, deep_link, looks_like_code, new_code
from bot.domain.model import Reply
from bot.domain.texts import say
from bot.hromada_api import ApiError, HromadaApi
from bot.repository import BotRepository, chat_key
from chassis.auth import Principal

log = structlog.get_logger("bot.linking")

# The preference fields notify's PUT takes (it replaces them all, so the rest are sent back).
PREFERENCE_FIELDS = (
    "email",
    "sms",
    "telegram",
    "inbox",
    "locale",
    "quiet_hours",
    "telegram_chat_id",
    "phone",
    "settlement",
)


def citizen_of(chat: dict[str, Any]) -> Citizen | None:
    link = chat.get("link")
    if not link:
        return None
    return Citizen(
        tenant=chat["tenant"],
        sub=link["sub"],
        name=link.get("name") or "",
        email=link.get("email"),
        residence=link.get("residence"),
    )


class Linking:
    def __init__(
        self,
        repository: BotRepository,
        api: HromadaApi,
        code_ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.repository = repository
        self.api = api
        self.code_ttl = code_ttl
        self.clock = clock

    async def issue_code(
        self, tenant: str, principal: Principal, bot_username: str
    ) -> dict[str, Any]:
        now = self.clock()
        code = LinkCode(
            code=new_code(),
            tenant=tenant,
            sub=principal.sub,
            name=principal.name,
            email=principal.email,
            residence=principal.residence,
            expires_at=now + self.code_ttl,
        )
        await self.repository.add_code(code, now)
        return {
            "code": code.code,
            "deep_link": deep_link(bot_username, code.code),
            "expires_at": code.expires_at,
        }

    async def link(
        self, tenant: str, messenger: str, chat_id: str, text: str, locale: str
    ) -> tuple[Reply, ...]:
        now = self.clock()
        code = await self.repository.find_code(text) if looks_like_code(text) else None
        verdict = check_code(code, tenant, now)
        if verdict != "ok" or code is None:
            log.info("link.refused", reason=verdict)
            return (Reply(say("link.invalid", locale)), menu_reply(locale))
        if not await self.repository.use_code(code, chat_key(tenant, messenger, chat_id), now):
            log.info("link.refused", reason="used")
            return (Reply(say("link.used", locale)), menu_reply(locale))
        link = {
            "sub": code.sub,
            "name": code.name,
            "email": code.email,
            "residence": code.residence,
            "linked_at": now,
        }
        await self.repository.link_chat(tenant, messenger, chat_id, link, now)
        citizen = Citizen(tenant, code.sub, code.name, code.email, code.residence)
        await self.subscribe(citizen, chat_id, locale)
        log.info("link.done", messenger=messenger)
        first_name = (code.name or "").split(" ")[0]
        return (Reply(say("linked", locale, name=first_name)), menu_reply(locale))

    async def subscribe(self, citizen: Citizen, chat_id: str, locale: str) -> bool:
        """notify delivers this person's notices to the chat from now on (messenger on)."""
        try:
            current = await self.api.get(citizen.tenant, "notify/preferences", citizen)
            body = {k: current[k] for k in PREFERENCE_FIELDS if k in current}
            body.update(telegram=True, telegram_chat_id=chat_id)
            await self.api.put(citizen.tenant, "notify/preferences", citizen, body)
        except ApiError as error:
            # Linked all the same; the person can turn the messenger on in the cabinet.
            log.warning("link.notify_preferences_failed", status=error.status)
            return False
        return True
