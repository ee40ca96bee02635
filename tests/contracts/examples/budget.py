"""Golden examples of the budget service's events."""

from contracts.budget import (
    CategoryOutcome,
    CyclePaused,
    CyclePhaseChanged,
    CycleResumed,
    FundedProject,
    ImplementationUpdated,
    ProjectReviewed,
    ProjectSubmitted,
    ResultsPublished,
)
from contracts.envelope import EventModel

CYCLE = "c-7a4e2b10"
PROJECT = "p-31c9d2aa"

EXAMPLES: dict[str, EventModel] = {
    CyclePhaseChanged.event_type: CyclePhaseChanged(
        cycle_id=CYCLE,
        year=2026,
        title="Громадський бюджет Чернівців 2026",
        phase="voting",
        previous_phase="review",
        phase_ends_at="2026-06-15T21:00:00Z",
        by_hand=False,
        at="2026-06-01T21:00:05Z",
    ),
    CyclePaused.event_type: CyclePaused(
        cycle_id=CYCLE,
        year=2026,
        title="Громадський бюджет Чернівців 2026",
        phase="voting",
        at="2026-06-05T08:00:00Z",
    ),
    CycleResumed.event_type: CycleResumed(
        cycle_id=CYCLE,
        year=2026,
        title="Громадський бюджет Чернівців 2026",
        phase="voting",
        paused_for_s=172800,
        at="2026-06-07T08:00:00Z",
    ),
    ResultsPublished.event_type: ResultsPublished(
        cycle_id=CYCLE,
        year=2026,
        title="Громадський бюджет Чернівців 2026",
        votes=5120,
        categories=[
            CategoryOutcome(
                code="small",
                title="Малі проєкти",
                funds=1_000_000,
                allocated=950_000,
                funded=[
                    FundedProject(
                        project_id=PROJECT,
                        title="Сквер на вулиці Головній",
                        cost=600_000,
                        votes=812,
                        rank=1,
                    ),
                    FundedProject(
                        project_id="p-5b0e77c1",
                        title="Велопарковки біля шкіл",
                        cost=350_000,
                        votes=640,
                        rank=3,
                    ),
                ],
            )
        ],
        at="2026-06-17T21:00:04Z",
    ),
    ProjectSubmitted.event_type: ProjectSubmitted(
        project_id=PROJECT,
        cycle_id=CYCLE,
        title="Сквер на вулиці Головній",
        category="small",
        cost=600_000,
        author_sub="citizen-1",
        author_name="Олена Коваль",
        email="olena@example.ua",
        at="2026-02-10T09:30:00Z",
    ),
    ProjectReviewed.event_type: ProjectReviewed(
        project_id=PROJECT,
        cycle_id=CYCLE,
        title="Сквер на вулиці Головній",
        eligible=True,
        reason="Відповідає положенню про громадський бюджет",
        cost=600_000,
        author_sub="citizen-1",
        author_name="Олена Коваль",
        email="olena@example.ua",
        at="2026-04-20T12:00:00Z",
    ),
    ImplementationUpdated.event_type: ImplementationUpdated(
        project_id=PROJECT,
        cycle_id=CYCLE,
        title="Сквер на вулиці Головній",
        status="in_progress",
        progress=40,
        note="Висаджено дерева, встановлено лавки",
        author_sub="citizen-1",
        author_name="Олена Коваль",
        email="olena@example.ua",
        at="2026-09-01T10:00:00Z",
    ),
}
