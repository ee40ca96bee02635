"""At start-up, point each council's Telegram bot at its webhook on the public gateway
(`setWebhook` with the council's secret), so adding a council to `TELEGRAM_BOTS` is all it takes.
Telegram keeps the registration, so doing it again on every start is harmless; a failure is
logged and the bot serves anyway (a webhook set earlier still works)."""

from __future__ import annotations

from collections.abc import Mapping

import structlog

from bot.messenger import MessengerError
from bot.settings import TelegramBot
from bot.telegram import TelegramMessenger

log = structlog.get_logger("bot.webhooks")


def webhook_url(public_url: str, tenant: str) -> str:
    return f"{public_url.rstrip('/')}/api/v1/{tenant}/bot/telegram/webhook"


async def register_webhooks(
    public_url: str, bots: Mapping[str, TelegramBot], messengers: Mapping[str, TelegramMessenger]
) -> int:
    """How many councils' webhooks Telegram accepted."""
    accepted = 0
    for tenant, bot in bots.items():
        try:
            await messengers[tenant].set_webhook(webhook_url(public_url, tenant), bot.secret)
        except MessengerError as error:
            log.warning("webhook.not_registered", council=tenant, error=str(error))
            continue
        accepted += 1
    log.info("webhook.registered", councils=accepted)
    return accepted
