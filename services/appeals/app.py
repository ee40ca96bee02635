"""Wiring of the appeals service: the one place that builds clients and connects the parts."""

from __future__ import annotations

import uuid
from datetime import timedelta

from litestar import Litestar
from litestar.di import Provide

from chassis.idempotency import IdempotencyStore
from chassis.lease import LeaderLease
from chassis.s3 import ensure_bucket
from chassis.service import Infrastructure, create_service_app
from chassis.write_guard import DocumentLocks, GuardedOutboxRelay
from contracts.appeals import APPEAL_EVENTS
from services.appeals.attachment_storage import AttachmentObjects, AttachmentRecords
from services.appeals.attachments import AttachmentUseCases
from services.appeals.attachments_http import AttachmentController
from services.appeals.category_repository import CategoryRepository
from services.appeals.category_use_cases import CatalogueUseCases
from services.appeals.clock_job import StatutoryClock
from services.appeals.data_rights import AppealDataRightsController
from services.appeals.http import AppealController
from services.appeals.http_catalogue import CatalogueController
from services.appeals.http_staff import StaffActionController
from services.appeals.list_rows import ListRowsRepair
from services.appeals.open311_clients import Open311ClientRepository
from services.appeals.open311_http import Open311ClientController, Open311Controller
from services.appeals.open311_use_cases import Open311UseCases
from services.appeals.open_data import AppealOpenDataController
from services.appeals.policy import PolicyRepository
from services.appeals.repository import AppealRepository
from services.appeals.settings import AppealsSettings
from services.appeals.staff_use_cases import StaffUseCases
from services.appeals.stats import AppealStatsController, PlatformAppealStatsController
from services.appeals.subscribers import register_subscribers
from services.appeals.tenant_settings import TenantSettingsReader
from services.appeals.use_cases import AppealUseCases


def create_app(settings: AppealsSettings | None = None) -> Litestar:
    settings = settings or AppealsSettings()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    repository = AppealRepository(infra.db)
    locks = DocumentLocks()  # FerretDB: one writer at a time per appeal (see write_guard)
    relay = GuardedOutboxRelay(
        infra.broker,
        [repository.collection],
        publish_timeout_s=settings.kafka_publish_timeout_s,
        locks=locks,
    )
    categories = CategoryRepository(infra.db)
    policies = PolicyRepository(TenantSettingsReader(infra.db), settings.default_timezone)
    use_cases = AppealUseCases(
        repository,
        settings.default_timezone,
        on_events_stored=lambda appeal_id: relay.notify(repository.collection.name, appeal_id),
        categories=categories,
        policies=policies,
        locks=locks,
    )
    staff_use_cases = StaffUseCases(use_cases.changes, policies, settings.default_timezone)
    catalogue = CatalogueUseCases(categories)
    statutory_clock = StatutoryClock(
        repository,
        policies,
        use_cases.changes,
        LeaderLease(
            infra.db, "appeals-statutory-clock", uuid.uuid4().hex, settings.clock_lease_ttl_s
        ),
        settings.clock_interval_s,
        settings.due_soon_working_days,
    )
    list_rows_repair = ListRowsRepair(
        infra.db,
        repository.rows,
        LeaderLease(infra.db, "appeals-list-rows", uuid.uuid4().hex, settings.clock_lease_ttl_s),
        settings.list_rows_repair_interval_s,
    )
    idempotency = IdempotencyStore(infra.db)
    tenant_settings = TenantSettingsReader(infra.db)
    register_subscribers(infra.broker, infra.db, tenant_settings)
    attachment_objects = AttachmentObjects(infra.s3, settings.attachments_bucket)
    attachments = AttachmentUseCases(
        AttachmentRecords(infra.db, locks),
        attachment_objects,
        tenant_settings,
        default_max_mb=settings.attachment_max_mb,
        default_max_count=settings.attachment_max_count,
        link_ttl=timedelta(seconds=settings.attachment_link_ttl_s),
    )
    open311_clients = Open311ClientRepository(infra.db)
    open311 = Open311UseCases(
        repository.collection,
        CategoryRepository(infra.db),
        open311_clients,
        tenant_settings,
        use_cases,
        max_requests=settings.open311_max_requests,
    )
    timezone = settings.default_timezone
    # Declared for the AsyncAPI document; events are sent by the outbox relay.
    for event in APPEAL_EVENTS:
        infra.broker.publisher(
            event.topic, title=event.event_type, description=event.__doc__, schema=event
        )

    async def ensure_indexes() -> None:
        await repository.ensure_indexes()
        await categories.ensure_indexes()
        await relay.ensure_indexes()
        await open311_clients.ensure_indexes()

    async def ensure_attachments_bucket() -> None:
        await ensure_bucket(infra.s3, settings.attachments_bucket)

    return create_service_app(
        infra,
        title="Hromada appeals (e-Reception)",
        route_handlers=[
            AppealController,
            StaffActionController,
            CatalogueController,
            AppealDataRightsController,
            AppealStatsController,
            PlatformAppealStatsController,
            AppealOpenDataController,
            AttachmentController,
            Open311Controller,
            Open311ClientController,
        ],
        startup=[ensure_indexes, ensure_attachments_bucket],
        background=[relay.run, statutory_clock.run, list_rows_repair.run],
        ready_checks={"s3": attachment_objects.ready},
        dependencies={
            "appeal_use_cases": Provide(lambda: use_cases, sync_to_thread=False),
            "staff_use_cases": Provide(lambda: staff_use_cases, sync_to_thread=False),
            "catalogue": Provide(lambda: catalogue, sync_to_thread=False),
            "idempotency": Provide(lambda: idempotency, sync_to_thread=False),
            "attachment_use_cases": Provide(lambda: attachments, sync_to_thread=False),
            "open311": Provide(lambda: open311, sync_to_thread=False),
            # Data rights, stats and open data read the appeals collection directly.
            "appeals_db": Provide(lambda: infra.db, sync_to_thread=False),
            "appeals_timezone": Provide(lambda: timezone, sync_to_thread=False),
        },
        extra_state={"broker": infra.broker},
    )
