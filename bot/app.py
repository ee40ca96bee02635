"""Wiring of the messenger bot: the one place that builds clients and connects the parts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.di import Provide

from bot.actions import Actions
from bot.citizen_tokens import CitizenTokens, DevTokenExchange, Rfc8693TokenExchange
from bot.domain.rate_limit import ChatRateLimiter
from bot.hromada_api import HromadaApi
from bot.http import BotDataRightsController, LinkController, TelegramWebhookController
from bot.linking import Linking
from bot.messenger import Messenger
from bot.repository import BotRepository
from bot.settings import BotSettings
from bot.stats import BotStatsController
from bot.sweeper import Sweeper
from bot.telegram import TelegramMessenger
from bot.use_cases import BotUseCases
from bot.webhooks import register_webhooks
from chassis.lease import LeaderLease
from chassis.service import Infrastructure, create_service_app


def now() -> datetime:
    return datetime.now(UTC)


def create_app(settings: BotSettings | None = None) -> Litestar:
    settings = settings or BotSettings()
    infra = Infrastructure(settings, with_kafka=False)  # the bot speaks HTTP only
    # trust_env=False: a machine-wide proxy must not sit between the bot and the gateway.
    http = httpx.AsyncClient(timeout=settings.api_timeout_s, trust_env=False)
    tokens: CitizenTokens = (
        Rfc8693TokenExchange(
            settings.token_exchange_url,
            settings.token_exchange_client_id,
            settings.token_exchange_client_secret,
            http,
        )
        if settings.token_exchange_url
        else DevTokenExchange(settings.gateway_url, http, settings.token_lifetime_s)
    )
    api = HromadaApi(settings.gateway_url, http, tokens)
    repository = BotRepository(infra.db)
    telegram = {
        tenant: TelegramMessenger(settings.telegram_api_url, bot.token, http)
        for tenant, bot in settings.telegram_bots.items()
    }
    messengers: dict[str, Messenger] = dict(telegram)
    linking = Linking(repository, api, timedelta(seconds=settings.link_code_ttl_s), now)
    use_cases = BotUseCases(
        repository,
        messengers,
        Actions(api, settings.cabinet_url, settings.max_photo_bytes),
        linking,
        ChatRateLimiter(settings.chat_messages_per_minute),
        timedelta(seconds=settings.conversation_ttl_s),
        timedelta(seconds=settings.update_ttl_s),
        now,
    )
    sweeper = Sweeper(
        repository,
        use_cases,
        LeaderLease(infra.db, "bot-sweeper", uuid.uuid4().hex, settings.sweep_lease_ttl_s),
        settings.sweep_interval_s,
        now,
    )

    async def point_telegram_at_us() -> None:
        if settings.webhook_public_url:
            await register_webhooks(settings.webhook_public_url, settings.telegram_bots, telegram)

    def close_http_on_shutdown(config: AppConfig) -> AppConfig:
        config.on_shutdown.append(http.aclose)
        return config

    def provide(value: object) -> Provide:
        return Provide(lambda: value, sync_to_thread=False)

    return create_service_app(
        infra,
        title="Hromada messenger bot",
        route_handlers=[
            TelegramWebhookController,
            LinkController,
            BotDataRightsController,
            BotStatsController,
        ],
        startup=[repository.ensure_indexes],
        background=[sweeper.run, point_telegram_at_us],
        on_app_init=[close_http_on_shutdown],
        dependencies={
            "bot_use_cases": provide(use_cases),
            "bot_repository": provide(repository),
            "linking": provide(linking),
            "telegram_bots": provide(dict(settings.telegram_bots)),
        },
    )
