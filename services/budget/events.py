"""Outbox records of the budget's events: built here, stored with the change that emits them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chassis.outbox import outbox_record
from contracts.budget import (
    CategoryOutcome,
    CyclePaused,
    CyclePhaseChanged,
    CycleResumed,
    FundedProject,
    ResultsPublished,
)
from contracts.envelope import EventEnvelope, EventModel
from services.budget.domain.cycle import PHASES, Cycle
from services.budget.domain.results import CategoryResult

SOURCE = "/hromada/budget"


def record(event: EventModel, tenant: str, subject: str) -> dict[str, Any]:
    envelope = EventEnvelope.wrap(event, source=SOURCE, subject=subject, tenant=tenant)
    return outbox_record(envelope, event.topic)


def phase_changed(cycle: Cycle, previous: str, phase: str, by_hand: bool, at: datetime) -> dict:
    ends = cycle.phases[phase][1] if phase in PHASES else None
    event = CyclePhaseChanged(
        cycle_id=cycle.id,
        year=cycle.year,
        title=cycle.title,
        phase=phase,
        previous_phase=previous,
        phase_ends_at=ends,
        by_hand=by_hand,
        at=at,
    )
    return record(event, cycle.tenant, cycle.id)


def paused(cycle: Cycle, phase: str, at: datetime) -> dict[str, Any]:
    event = CyclePaused(cycle_id=cycle.id, year=cycle.year, title=cycle.title, phase=phase, at=at)
    return record(event, cycle.tenant, cycle.id)


def resumed(cycle: Cycle, phase: str, paused_for_s: int, at: datetime) -> dict[str, Any]:
    event = CycleResumed(
        cycle_id=cycle.id,
        year=cycle.year,
        title=cycle.title,
        phase=phase,
        paused_for_s=paused_for_s,
        at=at,
    )
    return record(event, cycle.tenant, cycle.id)


def results_published(
    cycle: Cycle, results: list[CategoryResult], votes: int, at: datetime
) -> dict[str, Any]:
    categories = [
        CategoryOutcome(
            code=r.code,
            title=r.title,
            funds=r.funds,
            allocated=r.allocated,
            funded=[
                FundedProject(
                    project_id=p.id, title=p.title, cost=p.cost, votes=p.votes, rank=p.rank
                )
                for p in r.ranking
                if p.funded
            ],
        )
        for r in results
    ]
    event = ResultsPublished(
        cycle_id=cycle.id,
        year=cycle.year,
        title=cycle.title,
        votes=votes,
        categories=categories,
        at=at,
    )
    return record(event, cycle.tenant, cycle.id)
