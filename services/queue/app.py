"""Wiring of the queue service: the one place that builds clients and connects the parts."""

from __future__ import annotations

import uuid
from datetime import timedelta

from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.di import Provide

from chassis.idempotency import IdempotencyStore
from chassis.lease import LeaderLease
from chassis.service import Infrastructure, create_service_app
from contracts.queue import QUEUE_EVENTS
from services.queue.alerts import AlertRepository, AlertUseCases
from services.queue.booking_repository import BookingRepository
from services.queue.booking_use_cases import BookingUseCases
from services.queue.catalogue_repository import CatalogueRepository
from services.queue.clock import utc_now
from services.queue.data_rights import QueueDataRightsController
from services.queue.domain.errors import Refused
from services.queue.hall import HallUseCases
from services.queue.holds import HoldRepository
from services.queue.http_alerts import AlertController
from services.queue.http_bookings import BookingController
from services.queue.http_catalogue import CatalogueController
from services.queue.http_hall import HallController
from services.queue.jobs import HoldsAndReminders
from services.queue.policy import PolicyRepository
from services.queue.saga import PaymentSaga
from services.queue.seats import SeatRepository
from services.queue.seed import seed_tenant
from services.queue.settings import QueueSettings
from services.queue.stats import PlatformQueueStatsController, QueueStatsController
from services.queue.subscribers import register_subscribers
from services.queue.tenant_settings import TenantSettingsReader
from services.queue.ticket_repository import TicketRepository
from services.queue.views import on_refused
from services.queue.write_guard import DocumentLocks, GuardedOutboxRelay


def create_app(settings: QueueSettings | None = None) -> Litestar:
    settings = settings or QueueSettings()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    locks = DocumentLocks()  # FerretDB: one writer at a time per booking / ticket
    bookings = BookingRepository(infra.db, locks)
    tickets = TicketRepository(infra.db)
    relay = GuardedOutboxRelay(
        infra.broker,
        [bookings.collection, tickets.tickets],
        publish_timeout_s=settings.kafka_publish_timeout_s,
        locks=locks,
    )
    bookings.on_events_stored = relay.notify_stored
    catalogue = CatalogueRepository(infra.db)
    seats = SeatRepository(infra.db)
    alerts = AlertRepository(infra.db)
    reader = TenantSettingsReader(infra.db)
    policies = PolicyRepository(reader, settings)
    holds = HoldRepository(infra.db)
    booking_use_cases = BookingUseCases(bookings, seats, catalogue, policies, alerts, holds)
    alert_use_cases = AlertUseCases(alerts, bookings, seats, booking_use_cases)
    hall = HallUseCases(
        tickets,
        bookings,
        booking_use_cases,
        locks,
        on_ticket_events=relay.notify_stored,
        check_in_early_minutes=settings.check_in_early_minutes,
    )
    saga = PaymentSaga(bookings, booking_use_cases)
    jobs = HoldsAndReminders(
        bookings,
        booking_use_cases,
        LeaderLease(
            infra.db, "queue-holds-and-reminders", uuid.uuid4().hex, settings.jobs_lease_ttl_s
        ),
        settings.jobs_interval_s,
        settings.sweep_interval_s,
        timedelta(hours=settings.reminder_hours_before),
    )
    idempotency = IdempotencyStore(infra.db)
    register_subscribers(infra.broker, infra.db, reader, saga, settings.seed_demo)
    # Declared for the AsyncAPI document; events are sent by the outbox relay.
    for event in QUEUE_EVENTS:
        infra.broker.publisher(
            event.topic, title=event.event_type, description=event.__doc__, schema=event
        )

    async def ensure_indexes() -> None:
        await bookings.ensure_indexes()
        await catalogue.ensure_indexes()
        await seats.ensure_indexes()
        await tickets.ensure_indexes()
        await alerts.ensure_indexes()

    async def seed_demo_councils() -> None:
        if settings.seed_demo:
            for tenant in settings.demo_tenants:
                await seed_tenant(infra.db, tenant, utc_now().date())

    def handle_refusals(config: AppConfig) -> AppConfig:
        config.exception_handlers[Refused] = on_refused
        return config

    def provide(value: object) -> Provide:
        return Provide(lambda: value, sync_to_thread=False)

    return create_service_app(
        infra,
        title="Hromada queue (ASC e-queue)",
        route_handlers=[
            CatalogueController,
            BookingController,
            HallController,
            AlertController,
            QueueStatsController,
            PlatformQueueStatsController,
            QueueDataRightsController,
        ],
        startup=[ensure_indexes, seed_demo_councils],
        background=[relay.run, jobs.run],
        dependencies={
            "catalogue": provide(catalogue),
            "booking_use_cases": provide(booking_use_cases),
            "hall": provide(hall),
            "alert_use_cases": provide(alert_use_cases),
            "alert_repository": provide(alerts),
            "idempotency": provide(idempotency),
            "queue_db": provide(infra.db),
            "booking_repository": provide(bookings),
            "board_poll_s": provide(settings.board_poll_s),
        },
        on_app_init=[handle_refusals],
        extra_state={"broker": infra.broker},
    )
