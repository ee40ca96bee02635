"""Handling an update: once per update id, one at a time per chat, within the chat's rate
limit; the conversation decides, actions call the API, the state is stored (with its expiry)
before the answers go out, and a button press is always acknowledged."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import structlog

from bot.actions import ActionContext, Actions
from bot.domain.conversation import Context, step
from bot.domain.model import Reply
from bot.domain.rate_limit import ChatRateLimiter
from bot.domain.texts import say
from bot.linking import Linking, citizen_of
from bot.messenger import ChatEvent, Messenger, MessengerError
from bot.repository import BotRepository, chat_key
from chassis.write_guard import DocumentLocks

log = structlog.get_logger("bot")


class BotUseCases:
    def __init__(
        self,
        repository: BotRepository,
        messengers: Mapping[str, Messenger],  # tenant -> that council's bot
        actions: Actions,
        linking: Linking,
        rate_limiter: ChatRateLimiter,
        conversation_ttl: timedelta,
        update_ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self.repository = repository
        self.messengers = messengers
        self.actions = actions
        self.linking = linking
        self.rate_limiter = rate_limiter
        self.conversation_ttl = conversation_ttl
        self.update_ttl = update_ttl
        self.clock = clock
        self.locks = DocumentLocks()
        self._running: set[asyncio.Task[None]] = set()
        self._handling: set[tuple[str, int]] = set()  # (tenant, update id) in this process

    async def receive(self, tenant: str, update: dict[str, Any]) -> bool:
        """Take a webhook update: False if it came before; else handled in the background, so
        the webhook answers at once (Telegram waits for it and retries a slow one)."""
        messenger = self.messengers[tenant]
        now = self.clock()
        recorded = await self.repository.record_update(
            tenant, messenger.name, update["update_id"], update, now, now + self.update_ttl
        )
        if recorded:
            task = asyncio.create_task(self.handle(tenant, update))
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        return recorded

    async def idle(self) -> None:
        """Wait for the updates being handled (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def handle(self, tenant: str, update: dict[str, Any]) -> None:
        messenger = self.messengers[tenant]
        handling = (tenant, update["update_id"])
        if handling in self._handling:
            return  # the sweep found an update this process is still on
        self._handling.add(handling)
        try:
            event = messenger.parse(update)
            if event is not None:
                key = chat_key(tenant, messenger.name, event.chat_id)
                async with self.locks.hold(key):
                    await self._converse(tenant, messenger, event, key)
        except Exception as exc:  # one bad update must not stop the others
            log.exception("update.failed", error=type(exc).__name__)
        finally:
            self._handling.discard(handling)
            await self.repository.mark_update_done(tenant, messenger.name, update["update_id"])

    async def _converse(
        self, tenant: str, messenger: Messenger, event: ChatEvent, key: str
    ) -> None:
        verdict = self.rate_limiter.check(key, time.monotonic())
        if verdict != "ok":
            slow_down: tuple[Reply, ...] = ()
            if verdict == "warn":
                chat = await self.repository.chat(tenant, messenger.name, event.chat_id)
                slow_down = (Reply(say("slow_down", chat.get("locale") or "uk")),)
            await self._send(messenger, event, slow_down)  # a pressed button is still answered
            log.info("chat.rate_limited", verdict=verdict)
            return
        now = self.clock()
        chat = await self.repository.chat(tenant, messenger.name, event.chat_id)
        locale = chat.get("locale") or "uk"
        citizen = citizen_of(chat)
        context = Context(
            locale,
            linked=citizen is not None,
            contact=citizen.email if citizen else None,
            cabinet=self.actions.cabinet_of(tenant),
        )
        decision = step(self.repository.state_of(chat, now), event.incoming, context)
        locale = decision.locale or locale
        replies = list(decision.replies)
        state = decision.state
        action = decision.action
        if action is not None and action.name == "link":
            replies += await self.linking.link(
                tenant, messenger.name, event.chat_id, str(action.args["code"]), locale
            )
        elif action is not None:
            ctx = ActionContext(tenant, locale, citizen, messenger, f"bot:{key}:{event.update_id}")
            outcome = await self.actions.perform(action, ctx)
            replies += outcome.replies
            state = outcome.state or state
        await self.repository.save_chat(
            tenant, messenger.name, event.chat_id, state, now + self.conversation_ttl, locale, now
        )
        await self._send(messenger, event, tuple(replies))

    async def _send(
        self, messenger: Messenger, event: ChatEvent, replies: tuple[Reply, ...]
    ) -> None:
        try:
            if event.callback_id:  # first: the person's button stops spinning at once
                await messenger.acknowledge(event.callback_id)
            for reply in replies:
                await messenger.send(event.chat_id, reply)
        except MessengerError as error:
            log.warning("reply.failed", error=str(error))

    async def handle_unfinished(self, older_than: timedelta) -> int:
        """Updates taken in by a process that stopped before handling them (the sweep)."""
        pending = await self.repository.unhandled_updates(self.clock() - older_than)
        for doc in pending:
            if doc["tenant"] in self.messengers:
                await self.handle(doc["tenant"], doc["update"])
        return len(pending)
