"""Events published by the budget service (participatory budget).

Cycle events go to `hromada.budget.cycle` (subject: the cycle id), project events to
`hromada.budget.project` (subject: the project id). Each carries what notify needs to tell
residents and authors in their language: titles, the author's subject and email, and dates.
No voter data is ever published.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from contracts.envelope import EventModel
from contracts.topics import BUDGET_CYCLE, BUDGET_PROJECT


class CyclePhaseChanged(EventModel):
    """The cycle entered a phase (by its dates, or advanced by hand): e.g. voting opens."""

    event_type: ClassVar[str] = "budget.cycle.phase_changed.v1"
    topic: ClassVar[str] = BUDGET_CYCLE

    cycle_id: str
    year: int
    title: str
    phase: str = Field(description="submission, support, review, voting, results, implementation")
    previous_phase: str
    phase_ends_at: datetime | None = Field(description="When this phase closes by its dates")
    by_hand: bool = Field(description="An administrator advanced the cycle")
    at: datetime


class CyclePaused(EventModel):
    """The cycle was paused (e.g. in wartime): everything is frozen until it resumes."""

    event_type: ClassVar[str] = "budget.cycle.paused.v1"
    topic: ClassVar[str] = BUDGET_CYCLE

    cycle_id: str
    year: int
    title: str
    phase: str
    at: datetime


class CycleResumed(EventModel):
    """The cycle resumed; every date not yet reached moved later by the pause's length."""

    event_type: ClassVar[str] = "budget.cycle.resumed.v1"
    topic: ClassVar[str] = BUDGET_CYCLE

    cycle_id: str
    year: int
    title: str
    phase: str
    paused_for_s: int
    at: datetime


class FundedProject(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    project_id: str
    title: str
    cost: int
    votes: int
    rank: int


class CategoryOutcome(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    code: str
    title: str
    funds: int
    allocated: int
    funded: list[FundedProject]


class ResultsPublished(EventModel):
    """The votes are counted: per category, the funded projects in rank order."""

    event_type: ClassVar[str] = "budget.cycle.results_published.v1"
    topic: ClassVar[str] = BUDGET_CYCLE

    cycle_id: str
    year: int
    title: str
    votes: int = Field(description="Votes counted, online and offline")
    categories: list[CategoryOutcome]
    at: datetime


class ProjectSubmitted(EventModel):
    """A resident proposed a project."""

    event_type: ClassVar[str] = "budget.project.submitted.v1"
    topic: ClassVar[str] = BUDGET_PROJECT

    project_id: str
    cycle_id: str
    title: str
    category: str
    cost: int = Field(description="Estimated cost, UAH")
    author_sub: str
    author_name: str
    email: str | None = None
    locale: str = "uk"
    at: datetime


class ProjectReviewed(EventModel):
    """An official decided whether the project goes on the ballot."""

    event_type: ClassVar[str] = "budget.project.reviewed.v1"
    topic: ClassVar[str] = BUDGET_PROJECT

    project_id: str
    cycle_id: str
    title: str
    eligible: bool
    reason: str
    cost: int = Field(description="The cost after review, UAH")
    author_sub: str
    author_name: str
    email: str | None = None
    locale: str = "uk"
    at: datetime


class ImplementationUpdated(EventModel):
    """Progress on building a funded project (status, percentage, a note, photos)."""

    event_type: ClassVar[str] = "budget.project.implementation_updated.v1"
    topic: ClassVar[str] = BUDGET_PROJECT

    project_id: str
    cycle_id: str
    title: str
    status: str = Field(description="planned, procurement, in_progress, done, suspended")
    progress: int = Field(description="Percent done, 0-100")
    note: str
    author_sub: str
    author_name: str
    email: str | None = None
    locale: str = "uk"
    at: datetime


BUDGET_EVENTS: tuple[type[EventModel], ...] = (
    CyclePhaseChanged,
    CyclePaused,
    CycleResumed,
    ResultsPublished,
    ProjectSubmitted,
    ProjectReviewed,
    ImplementationUpdated,
)
