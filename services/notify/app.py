"""Wiring of the notify service."""

from __future__ import annotations

import uuid

import httpx
from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.di import Provide

from chassis.lease import LeaderLease
from chassis.service import Infrastructure, create_service_app
from chassis.tenant_settings import TenantSettingsReader, subscribe_to_tenant_settings
from services.notify.channels import (
    Channel,
    EmailChannel,
    InboxChannel,
    SmsChannel,
    SmsProvider,
    TelegramChannel,
)
from services.notify.data_rights import NotifyDataRightsController
from services.notify.http import DeliveryController
from services.notify.inbox import InboxController, InboxRepository
from services.notify.news import NewsBroadcaster, NewsController, NewsRepository
from services.notify.preferences import PreferenceRepository, PreferencesController
from services.notify.repository import DeliveryRepository
from services.notify.retention import DeliveryRetention
from services.notify.settings import NotifySettings
from services.notify.stats import NotifyStatsController, PlatformNotifyStatsController
from services.notify.subscribers import register_subscribers
from services.notify.template_overrides import TemplateController, TemplateOverrides
from services.notify.triggers import build_triggers
from services.notify.use_cases import NotifyUseCases


def create_app(settings: NotifySettings | None = None) -> Litestar:
    settings = settings or NotifySettings()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    deliveries = DeliveryRepository(infra.db)
    preferences = PreferenceRepository(infra.db)
    inbox = InboxRepository(infra.db)
    overrides = TemplateOverrides(infra.db)
    news = NewsRepository(infra.db)
    providers_http = httpx.AsyncClient(timeout=settings.provider_timeout_s)
    channels: dict[str, Channel] = {
        "email": EmailChannel(
            settings.smtp_host,
            settings.smtp_port,
            settings.mail_from,
            settings.smtp_timeout_s,
            tls=settings.smtp_tls,
            login=(settings.smtp_username, settings.smtp_password.get_secret_value())
            if settings.smtp_username
            else None,
        ),
        "sms": SmsChannel(
            [SmsProvider(p.name, p.url, p.api_key) for p in settings.sms_providers],
            providers_http,
            settings.sms_rate_per_s,
        ),
        "telegram": TelegramChannel(
            settings.telegram_api_url,
            settings.telegram_bot_token,
            providers_http,
            settings.telegram_rate_per_s,
            bot_tokens={tenant: bot.token for tenant, bot in settings.telegram_bots.items()},
        ),
        "inbox": InboxChannel(inbox),
    }
    triggers = build_triggers()
    use_cases = NotifyUseCases(
        deliveries,
        preferences,
        overrides,
        channels,
        triggers,
        news,
        settings.default_timezone,
        settings.message_id_domain,
    )
    register_subscribers(infra.broker, infra.db, use_cases, triggers)
    broadcaster = NewsBroadcaster(
        news,
        preferences,
        deliveries,
        channels,
        settings.message_id_domain,
        settings.default_timezone,
    )
    councils = TenantSettingsReader(infra.db)
    subscribe_to_tenant_settings("notify", infra.broker, infra.db, councils)
    retention = DeliveryRetention(
        deliveries,
        councils,
        LeaderLease(infra.db, "notify-retention", uuid.uuid4().hex, settings.retention_lease_ttl_s),
        settings.retention_days,
        settings.retention_interval_s,
    )

    async def ensure_indexes() -> None:
        for repository in (deliveries, preferences, inbox, news):
            await repository.ensure_indexes()

    def close_http_on_shutdown(config: AppConfig) -> AppConfig:
        config.on_shutdown.append(providers_http.aclose)
        return config

    def provide(value: object) -> Provide:
        return Provide(lambda: value, sync_to_thread=False)

    return create_service_app(
        infra,
        title="Hromada notify",
        route_handlers=[
            DeliveryController,
            InboxController,
            PreferencesController,
            TemplateController,
            NewsController,
            NotifyDataRightsController,
            NotifyStatsController,
            PlatformNotifyStatsController,
        ],
        startup=[ensure_indexes],
        on_app_init=[close_http_on_shutdown],
        background=[use_cases.run_retry_worker, broadcaster.run, retention.run],
        dependencies={
            "deliveries": provide(deliveries),
            "preferences": provide(preferences),
            # Not "inbox": Litestar takes a body field's error for a failed dependency of the
            # same name (a 500), and the preferences body has an `inbox` field.
            "inbox_repository": provide(inbox),
            "overrides": provide(overrides),
            "news": provide(news),
            "triggers": provide(triggers),
        },
        extra_state={"broker": infra.broker},
    )
