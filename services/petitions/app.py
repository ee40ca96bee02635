"""Wiring of the petitions service: the one place that builds clients and connects the parts."""

from __future__ import annotations

import uuid

from litestar import Litestar
from litestar.di import Provide

from chassis.idempotency import IdempotencyStore
from chassis.lease import LeaderLease
from chassis.service import Infrastructure, create_service_app
from chassis.write_guard import DocumentLocks, GuardedOutboxRelay
from contracts.petitions import PETITION_EVENTS
from services.petitions.counting import SignatureCounter
from services.petitions.http import PetitionController
from services.petitions.http_settings import PetitionSettingsController
from services.petitions.http_staff import StaffPetitionController
from services.petitions.open_data import PetitionOpenDataController
from services.petitions.outcomes import MARKERS, Outcomes
from services.petitions.read_cache import ReadCache
from services.petitions.repository import PetitionRepository
from services.petitions.settings import PetitionsSettings
from services.petitions.signatures import SignatureRepository
from services.petitions.stats import PetitionStatsController, PlatformPetitionStatsController
from services.petitions.subscribers import register_subscribers
from services.petitions.sweep import LeaderSweep
from services.petitions.tally import Tally
from services.petitions.tenant_settings import (
    CouncilPolicies,
    PetitionSettingsStore,
    TenantSettingsReader,
)
from services.petitions.use_cases import PetitionUseCases


def create_app(settings: PetitionsSettings | None = None) -> Litestar:
    settings = settings or PetitionsSettings()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    locks = DocumentLocks()  # FerretDB: one writer at a time per petition (see write_guard)
    petitions = PetitionRepository(
        infra.db,
        locks,
        shown=ReadCache(settings.read_cache_ttl_s, settings.read_cache_max_entries),
    )
    signatures = SignatureRepository(infra.db)
    markers = infra.db[MARKERS]
    relay = GuardedOutboxRelay(
        infra.broker,
        [petitions.collection, markers],
        publish_timeout_s=settings.kafka_publish_timeout_s,
        locks=locks,
    )
    tenant_settings = TenantSettingsReader(infra.db)
    overrides = PetitionSettingsStore(infra.db)
    policies = CouncilPolicies(tenant_settings, overrides, settings.default_timezone)
    outcomes = Outcomes(
        infra.db, petitions, policies, lambda marker_id: relay.notify(MARKERS, marker_id)
    )
    counter = SignatureCounter(signatures, settings.count_grace_s)
    tally = Tally(petitions, counter, outcomes, settings.tally_interval_s)
    sweep = LeaderSweep(
        petitions,
        counter,
        outcomes,
        LeaderLease(infra.db, "petitions-sweep", uuid.uuid4().hex, settings.sweep_lease_ttl_s),
        settings.sweep_interval_s,
    )
    use_cases = PetitionUseCases(
        petitions,
        signatures,
        policies,
        on_signed=tally.mark_dirty,
        on_events_stored=lambda petition_id: relay.notify(petitions.collection.name, petition_id),
    )
    idempotency = IdempotencyStore(infra.db)
    register_subscribers(infra.broker, infra.db, tenant_settings)
    # Declared for the AsyncAPI document; events are sent by the outbox relay.
    for event in PETITION_EVENTS:
        infra.broker.publisher(
            event.topic, title=event.event_type, description=event.__doc__, schema=event
        )

    async def ensure_indexes() -> None:
        await petitions.ensure_indexes()
        await signatures.ensure_indexes()
        await relay.ensure_indexes()

    return create_service_app(
        infra,
        title="Hromada petitions",
        route_handlers=[
            PetitionController,
            StaffPetitionController,
            PetitionSettingsController,
            PetitionStatsController,
            PlatformPetitionStatsController,
            PetitionOpenDataController,
        ],
        startup=[ensure_indexes],
        background=[relay.run, tally.run, sweep.run],
        dependencies={
            "petition_use_cases": Provide(lambda: use_cases, sync_to_thread=False),
            "idempotency": Provide(lambda: idempotency, sync_to_thread=False),
            "signatures": Provide(lambda: signatures, sync_to_thread=False),
            "petition_settings": Provide(lambda: overrides, sync_to_thread=False),
            "petition_policies": Provide(lambda: policies, sync_to_thread=False),
            # Stats and open data read the petitions collection directly.
            "petitions_db": Provide(lambda: infra.db, sync_to_thread=False),
        },
        extra_state={"broker": infra.broker},
    )
