"""Wiring of the appeals service: the one place that builds clients and connects the parts."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from chassis.idempotency import IdempotencyStore
from chassis.outbox import OutboxRelay
from chassis.service import Infrastructure, create_service_app
from contracts.appeals import AppealRegistered
from services.appeals.http import AppealController
from services.appeals.repository import AppealRepository
from services.appeals.settings import AppealsSettings
from services.appeals.use_cases import AppealUseCases


def create_app(settings: AppealsSettings | None = None) -> Litestar:
    settings = settings or AppealsSettings()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    repository = AppealRepository(infra.db)
    relay = OutboxRelay(
        infra.broker, [repository.collection], publish_timeout_s=settings.kafka_publish_timeout_s
    )
    use_cases = AppealUseCases(repository, settings.default_timezone, on_events_stored=relay.wake)
    idempotency = IdempotencyStore(infra.db)
    # Declared for the AsyncAPI document; events are sent by the outbox relay.
    infra.broker.publisher(
        AppealRegistered.topic,
        title=AppealRegistered.event_type,
        description=AppealRegistered.__doc__,
        schema=AppealRegistered,
    )

    async def ensure_indexes() -> None:
        await repository.ensure_indexes()
        await relay.ensure_indexes()

    return create_service_app(
        infra,
        title="Hromada appeals (e-Reception)",
        route_handlers=[AppealController],
        startup=[ensure_indexes],
        background=[relay.run],
        dependencies={
            "appeal_use_cases": Provide(lambda: use_cases, sync_to_thread=False),
            "idempotency": Provide(lambda: idempotency, sync_to_thread=False),
        },
        extra_state={"broker": infra.broker},
    )
