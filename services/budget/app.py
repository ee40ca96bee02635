"""Wiring of the budget service: the one place that builds clients and connects the parts."""

from __future__ import annotations

import uuid

from litestar import Litestar
from litestar.di import Provide

from chassis.idempotency import IdempotencyStore
from chassis.lease import LeaderLease
from chassis.s3 import ensure_bucket
from chassis.service import Infrastructure, create_service_app
from chassis.write_guard import DocumentLocks, GuardedOutboxRelay
from contracts.budget import BUDGET_EVENTS
from services.budget.ballots import SupportBox, VoteBox
from services.budget.cycle_use_cases import CycleUseCases
from services.budget.files import FileStore
from services.budget.http_cycles import CycleController
from services.budget.http_projects import CycleProjectController, ProjectController
from services.budget.http_proofs import ProofController
from services.budget.http_votes import VoteController
from services.budget.open_data import BudgetOpenDataController
from services.budget.phase_job import PhaseJob
from services.budget.problems import handle_rule_refusals
from services.budget.project_use_cases import ProjectUseCases
from services.budget.proofs import ProofRepository, ProofUseCases
from services.budget.repository import CycleRepository, ProjectRepository
from services.budget.settings import BudgetSettings
from services.budget.stats import BudgetStatsController, PlatformBudgetStatsController
from services.budget.subscribers import register_subscribers
from services.budget.tally import Tallies
from services.budget.tenant_settings import TenantSettingsReader
from services.budget.voting import VotingUseCases


def create_app(settings: BudgetSettings | None = None) -> Litestar:
    settings = settings or BudgetSettings()
    secret = settings.voter_secret()
    infra = Infrastructure(settings)
    assert infra.broker is not None
    locks = DocumentLocks()  # FerretDB: one writer at a time per document (see write_guard)
    cycle_repository = CycleRepository(infra.db, locks)
    project_repository = ProjectRepository(infra.db, locks)
    relay = GuardedOutboxRelay(
        infra.broker,
        [cycle_repository.collection, project_repository.collection],
        publish_timeout_s=settings.kafka_publish_timeout_s,
        locks=locks,
    )
    votes, supports = VoteBox(infra.db, locks), SupportBox(infra.db)
    proofs = ProofRepository(infra.db, locks)
    tenant_settings = TenantSettingsReader(infra.db)
    register_subscribers(infra.broker, infra.db, tenant_settings)
    cycles = CycleUseCases(
        cycle_repository,
        project_repository,
        votes,
        tenant_settings,
        on_events_stored=lambda cycle_id: relay.notify(cycle_repository.collection.name, cycle_id),
    )
    projects = ProjectUseCases(
        cycles,
        project_repository,
        supports,
        secret,
        on_events_stored=lambda pid: relay.notify(project_repository.collection.name, pid),
    )
    voting = VotingUseCases(cycles, projects, votes, proofs, secret)
    proof_use_cases = ProofUseCases(proofs)
    files = FileStore(infra.s3, settings.files_bucket, int(settings.file_max_mb * 1024 * 1024))
    tallies = Tallies(infra.db, locks)
    phase_job = PhaseJob(
        cycles,
        tallies,
        LeaderLease(infra.db, "budget-phases", uuid.uuid4().hex, settings.phase_lease_ttl_s),
        settings.phase_interval_s,
    )
    # Declared for the AsyncAPI document; events are sent by the outbox relay.
    for event in BUDGET_EVENTS:
        infra.broker.publisher(
            event.topic, title=event.event_type, description=event.__doc__, schema=event
        )

    async def ensure_indexes() -> None:
        await cycle_repository.ensure_indexes()
        await project_repository.ensure_indexes()
        await votes.ensure_indexes()
        await supports.ensure_indexes()
        await proofs.ensure_indexes()
        await tallies.ensure_indexes()

    async def ensure_files_bucket() -> None:
        await ensure_bucket(infra.s3, settings.files_bucket)

    def provide(value: object) -> Provide:
        return Provide(lambda: value, sync_to_thread=False)

    return create_service_app(
        infra,
        title="Hromada budget (participatory budget)",
        route_handlers=[
            CycleController,
            CycleProjectController,
            ProjectController,
            VoteController,
            ProofController,
            BudgetStatsController,
            PlatformBudgetStatsController,
            BudgetOpenDataController,
        ],
        startup=[settings.require_voter_secret, ensure_indexes, ensure_files_bucket],
        background=[relay.run, phase_job.run, votes.run_marks],
        ready_checks={"s3": files.ready},
        dependencies={
            "cycle_use_cases": provide(cycles),
            "project_use_cases": provide(projects),
            "voting": provide(voting),
            "proof_use_cases": provide(proof_use_cases),
            "budget_files": provide(files),
            "idempotency": provide(IdempotencyStore(infra.db)),
            # Open data reads the fact collections directly; stats read the tallies.
            "budget_db": provide(infra.db),
            "budget_tallies": provide(tallies),
        },
        extra_state={"broker": infra.broker},
        on_app_init=[handle_rule_refusals],
    )
