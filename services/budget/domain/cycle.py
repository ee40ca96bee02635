"""A budget cycle: its categories, its rules and its phases, and which phase it is in now.

Phases follow each other: submission -> support -> review -> voting -> results ->
implementation. Each has a `[start, end)` window of dates; the cycle is in the latest phase
whose start has passed (by its dates) or the one an administrator advanced it to by hand,
whichever is later. A phase's actions are open while the cycle is in it and before its end
(a phase opened by hand stays open until the next one begins). A paused cycle (wartime) is
frozen in the phase it was in; on resume every boundary not yet reached moves later by the
length of the pause, so no phase loses time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from services.budget.domain.errors import RuleBroken

PHASES = ("submission", "support", "review", "voting", "results", "implementation")
SCHEDULED = "scheduled"  # before the submission phase starts
ELIGIBILITY_KINDS = ("residence", "work", "study", "service", "idp")
ACTIONS_OF_PHASE = {
    "submit": "submission",
    "support": "support",
    "review": "review",
    "vote": "voting",
}


@dataclass(frozen=True)
class Category:
    code: str
    title: str
    funds: int
    max_project_cost: int


@dataclass(frozen=True)
class Rules:
    min_age: int = 16
    votes_per_voter: int = 3
    votes_per_category: int | None = None
    support_threshold: int = 0
    eligibility: tuple[str, ...] = ELIGIBILITY_KINDS


@dataclass(frozen=True)
class Cycle:
    id: str
    tenant: str
    year: int
    title: str
    categories: tuple[Category, ...]
    rules: Rules
    phases: dict[str, tuple[datetime, datetime]]
    manual_phase: str | None = None
    manual_at: datetime | None = None
    paused_at: datetime | None = None
    announced_phase: str = SCHEDULED
    created_at: datetime | None = None
    results_published: bool = False

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)


def phase_index(phase: str) -> int:
    return PHASES.index(phase) if phase in PHASES else -1


def validate_phases(phases: dict[str, tuple[datetime, datetime]]) -> None:
    """Every phase present, each ending after it starts, none starting before the previous
    one ended."""
    missing = [p for p in PHASES if p not in phases]
    if missing:
        raise RuleBroken(422, f"Missing phases: {', '.join(missing)}.", "phases")
    previous_end: datetime | None = None
    for name in PHASES:
        start, end = phases[name]
        if end <= start:
            raise RuleBroken(422, f"Phase {name} must end after it starts.", f"phases.{name}")
        if previous_end is not None and start < previous_end:
            raise RuleBroken(
                422, f"Phase {name} starts before the previous phase ends.", f"phases.{name}"
            )
        previous_end = end


def phase_by_dates(cycle: Cycle, at: datetime) -> str:
    current = SCHEDULED
    for name in PHASES:
        if cycle.phases[name][0] <= at:
            current = name
    return current


def current_phase(cycle: Cycle, now: datetime) -> str:
    """The phase now (frozen at the pause while paused)."""
    at = cycle.paused_at or now
    by_dates = phase_by_dates(cycle, at)
    if cycle.manual_phase and phase_index(cycle.manual_phase) > phase_index(by_dates):
        return cycle.manual_phase
    return by_dates


def is_open_for(cycle: Cycle, action: str, now: datetime) -> bool:
    phase = ACTIONS_OF_PHASE[action]
    if cycle.paused_at is not None or current_phase(cycle, now) != phase:
        return False
    return cycle.manual_phase == phase or now < cycle.phases[phase][1]


def require_open_for(cycle: Cycle, action: str, now: datetime) -> None:
    """409 naming the current state when the action is not open now."""
    if cycle.paused_at is not None:
        raise RuleBroken(409, "Цикл призупинено / The cycle is paused.")
    if not is_open_for(cycle, action, now):
        phase = ACTIONS_OF_PHASE[action]
        raise RuleBroken(
            409,
            f"Зараз не етап «{phase}» (поточний: {current_phase(cycle, now)}) / "
            f"Not the {phase} phase now (current: {current_phase(cycle, now)}).",
        )


def advance(cycle: Cycle, to: str, now: datetime) -> Cycle:
    """The administrator moves the cycle on by hand; never backwards, never while paused."""
    if to not in PHASES:
        raise RuleBroken(422, f"Unknown phase {to!r}; one of {', '.join(PHASES)}.", "phase")
    if cycle.paused_at is not None:
        raise RuleBroken(409, "Цикл призупинено / The cycle is paused.")
    now_phase = current_phase(cycle, now)
    if phase_index(to) <= phase_index(now_phase):
        raise RuleBroken(409, f"The cycle is already in phase {now_phase}; phases only advance.")
    return replace(cycle, manual_phase=to, manual_at=now)


def pause(cycle: Cycle, now: datetime) -> Cycle:
    if cycle.paused_at is not None:
        raise RuleBroken(409, "The cycle is already paused.")
    return replace(cycle, paused_at=now)


def resume(cycle: Cycle, now: datetime) -> Cycle:
    """Every boundary after the pause began moves later by the pause's length."""
    if cycle.paused_at is None:
        raise RuleBroken(409, "The cycle is not paused.")
    paused_at, gap = cycle.paused_at, now - cycle.paused_at

    def shifted(moment: datetime) -> datetime:
        return moment + gap if moment > paused_at else moment

    phases = {name: (shifted(s), shifted(e)) for name, (s, e) in cycle.phases.items()}
    return replace(cycle, phases=phases, paused_at=None)


def voting_starts(cycle: Cycle) -> datetime:
    """The day ages are counted on: the voting phase's start, or the moment it was opened by
    hand if that was earlier."""
    start = cycle.phases["voting"][0]
    opened_by_hand = cycle.manual_phase is not None and cycle.manual_at is not None
    if opened_by_hand and phase_index(cycle.manual_phase or "") >= phase_index("voting"):
        assert cycle.manual_at is not None
        return min(cycle.manual_at, start)
    return start
