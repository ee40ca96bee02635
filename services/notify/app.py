"""Wiring of the notify service."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from chassis.service import Infrastructure, create_service_app
from services.notify.data_rights import NotifyDataRightsController
from services.notify.email_client import SmtpEmailClient
from services.notify.http import DeliveryController
from services.notify.repository import DeliveryRepository
from services.notify.settings import NotifySettings
from services.notify.stats import NotifyStatsController, PlatformNotifyStatsController
from services.notify.subscribers import register_subscribers
from services.notify.use_cases import NotifyUseCases


def create_app(settings: NotifySettings | None = None) -> Litestar:
    settings = settings or NotifySettings()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    deliveries = DeliveryRepository(infra.db)
    email = SmtpEmailClient(
        settings.smtp_host, settings.smtp_port, settings.mail_from, settings.smtp_timeout_s
    )
    use_cases = NotifyUseCases(
        deliveries, email, settings.default_timezone, settings.message_id_domain
    )
    register_subscribers(infra.broker, infra.db, use_cases)

    return create_service_app(
        infra,
        title="Hromada notify",
        route_handlers=[
            DeliveryController,
            NotifyDataRightsController,
            NotifyStatsController,
            PlatformNotifyStatsController,
        ],
        startup=[deliveries.ensure_indexes],
        background=[use_cases.run_retry_worker],
        dependencies={"deliveries": Provide(lambda: deliveries, sync_to_thread=False)},
        extra_state={"broker": infra.broker},
    )
