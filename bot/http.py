"""HTTP edge of the bot: Telegram's webhook (checked by the council's secret token), one-time
link codes for the cabinet, and the citizen's data rights. Parse, call one use case, answer."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from litestar import Controller, delete, get, post
from litestar.params import Body, Parameter

from bot.linking import Linking
from bot.repository import BotRepository
from bot.settings import TelegramBot
from bot.use_cases import BotUseCases
from chassis.auth import Principal
from chassis.guards import require_citizen
from chassis.problems import Problem, invalid

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)


def bot_of(bots: dict[str, TelegramBot], tenant: str) -> TelegramBot:
    bot = bots.get(tenant)
    if bot is None:
        raise Problem(404, "У цієї громади немає бота / This council has no bot.")
    return bot


def check_secret(bot: TelegramBot, sent: str | None) -> None:
    """Only Telegram knows the council's webhook secret (set with `setWebhook`)."""
    if not sent:
        raise Problem(401, f"The {SECRET_HEADER} header is required.")
    if not hmac.compare_digest(sent.encode(), bot.secret.encode()):
        raise Problem(403, f"The {SECRET_HEADER} header does not match.")


class TelegramWebhookController(Controller):
    path = "/api/v1/{tenant:str}/bot/telegram"
    tags = ["bot"]

    @post("/webhook", operation_id="receive_telegram_update", status_code=200)
    async def receive_update(
        self,
        tenant: str,
        data: Annotated[dict[str, Any], Body()],
        telegram_bots: dict[str, TelegramBot],
        bot_use_cases: BotUseCases,
        secret: Annotated[str | None, Parameter(header=SECRET_HEADER)] = None,
    ) -> dict[str, Any]:
        """A Telegram update; handled once per `update_id`, after this answer."""
        check_secret(bot_of(telegram_bots, tenant), secret)
        if not isinstance(data.get("update_id"), int) or isinstance(data["update_id"], bool):
            raise invalid("update_id", "must be an integer")
        first_time = await bot_use_cases.receive(tenant, data)
        return {"ok": True, "duplicate": not first_time}


class LinkController(Controller):
    path = "/api/v1/{tenant:str}/bot/links"
    tags = ["bot"]

    @post("/", operation_id="create_bot_link", status_code=201)
    async def create_link(
        self,
        tenant: str,
        principal: Principal,
        telegram_bots: dict[str, TelegramBot],
        linking: Linking,
    ) -> dict[str, Any]:
        """A one-time code and deep link (about 10 minutes) that ties a chat to the caller."""
        require_citizen(principal)
        bot = bot_of(telegram_bots, tenant)
        return await linking.issue_code(tenant, principal, bot.username)


class BotDataRightsController(Controller):
    """Law 2297-VI Art. 8: what the bot holds about the caller, and forgetting it."""

    path = "/api/v1/{tenant:str}/bot/me"
    tags = ["data rights"]

    @get("/export", operation_id="export_my_bot_data")
    async def export_my_data(
        self, tenant: str, principal: Principal, bot_repository: BotRepository
    ) -> dict[str, Any]:
        chats = await bot_repository.linked_chats(tenant, principal.sub)
        return {
            "service": "bot",
            "tenant": tenant,
            "subject": principal.sub,
            "data": {
                "chats": [
                    {
                        "messenger": c.get("messenger"),
                        "chat_id": c.get("chat_id"),
                        "linked_at": c["link"].get("linked_at"),
                        "locale": c.get("locale"),
                        "conversation": c.get("state"),
                    }
                    for c in chats
                ]
            },
            "retained": [],
        }

    @delete("/", operation_id="erase_my_bot_data", status_code=200)
    async def erase_my_data(
        self, tenant: str, principal: Principal, bot_repository: BotRepository
    ) -> dict[str, Any]:
        unlinked = await bot_repository.unlink_chats(tenant, principal.sub)
        return {
            "service": "bot",
            "tenant": tenant,
            "erased": {"chats_unlinked": unlinked},
            "retained": [],
        }
