"""Wiring of the payments service: the one place that builds clients and connects the parts."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from litestar import Litestar
from litestar.di import Provide

from chassis.idempotency import IdempotencyStore
from chassis.lease import LeaderLease
from chassis.service import Infrastructure, create_service_app
from chassis.write_guard import DocumentLocks, GuardedOutboxRelay
from contracts.payments import PAYMENT_EVENTS
from services.payments.catalogue import DemoCatalogue, QueueCatalogue
from services.payments.changes import ChangeApplier
from services.payments.fine_claims import FineClaims
from services.payments.fines import DemoFinesRegister, FinesRegister, NoFinesRegister
from services.payments.http import PaymentController
from services.payments.http_callbacks import PaymentCallbackController
from services.payments.http_staff import PaymentStaffController
from services.payments.idempotent_create import WaitingIdempotency
from services.payments.jobs import PaymentJobs
from services.payments.liqpay import LiqPayProvider
from services.payments.provider_updates import ProviderUpdates
from services.payments.reconciliation import Reconciliation
from services.payments.repository import PaymentRepository
from services.payments.saga import BookingSaga
from services.payments.settings import PaymentsSettings
from services.payments.stats import PaymentStatsController, PlatformPaymentStatsController
from services.payments.subscribers import register_subscribers
from services.payments.use_cases import PaymentUseCases


def create_app(settings: PaymentsSettings | None = None) -> Litestar:
    settings = settings or PaymentsSettings()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    repository = PaymentRepository(infra.db)
    locks = DocumentLocks()  # FerretDB: one writer at a time per payment (see write_guard)
    relay = GuardedOutboxRelay(
        infra.broker,
        [repository.collection],
        publish_timeout_s=settings.kafka_publish_timeout_s,
        locks=locks,
    )

    def stored(payment_id: str) -> None:
        relay.notify(repository.collection.name, payment_id)

    http = httpx.AsyncClient(timeout=settings.provider_timeout_s)
    provider = LiqPayProvider(
        http, settings.liqpay_url, settings.liqpay_public_key, settings.liqpay_private_key
    )
    demo = settings.use_demo_data
    catalogue = QueueCatalogue(http, settings.queue_url, DemoCatalogue() if demo else None)
    fines: FinesRegister = DemoFinesRegister() if demo else NoFinesRegister()
    changes = ChangeApplier(repository, locks, stored)
    updates = ProviderUpdates(repository, changes, provider)
    ttl = timedelta(minutes=settings.payment_ttl_minutes)
    use_cases = PaymentUseCases(
        repository,
        changes,
        provider,
        catalogue,
        fines,
        FineClaims(infra.db, repository),
        updates,
        settings.callback_base_url,
        ttl,
        stored,
    )
    saga = BookingSaga(
        repository, changes, provider, use_cases.callback_url, ttl, stored, use_cases.refund
    )
    register_subscribers(infra.broker, infra.db, saga)
    idempotency = WaitingIdempotency(IdempotencyStore(infra.db), settings.idempotency_wait_s)
    reconciliation = Reconciliation(repository, provider, infra.db)
    jobs = PaymentJobs(
        repository,
        changes,
        provider,
        updates,
        idempotency,
        LeaderLease(infra.db, "payments-jobs", uuid.uuid4().hex, settings.jobs_lease_ttl_s),
        settings.jobs_interval_s,
        poll_after=timedelta(seconds=settings.poll_after_s),
        key_retention=timedelta(hours=settings.idempotency_retention_hours),
        reconciliation=reconciliation,
    )
    # Declared for the AsyncAPI document; events are sent by the outbox relay.
    for event in PAYMENT_EVENTS:
        infra.broker.publisher(
            event.topic, title=event.event_type, description=event.__doc__, schema=event
        )

    async def ensure_indexes() -> None:
        await repository.ensure_indexes()

    async def close_http() -> None:
        await http.aclose()

    def provide(value: object) -> Provide:
        return Provide(lambda: value, sync_to_thread=False)

    app = create_service_app(
        infra,
        title="Hromada payments",
        route_handlers=[
            PaymentController,
            PaymentStaffController,
            PaymentCallbackController,
            PaymentStatsController,
            PlatformPaymentStatsController,
        ],
        startup=[ensure_indexes],
        background=[relay.run, jobs.run],
        dependencies={
            "payment_use_cases": provide(use_cases),
            "payment_idempotency": provide(idempotency),
            "provider_updates": provide(updates),
            "reconciliation": provide(reconciliation),
            "payment_repository": provide(repository),
        },
        extra_state={"broker": infra.broker},
    )
    app.on_shutdown.append(close_http)
    return app
