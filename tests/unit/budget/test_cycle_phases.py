"""Phases of a budget cycle (LAW.md, Participatory budget: submission -> support -> review ->
voting -> results -> implementation; a cycle can be paused in wartime and resumed)."""

from datetime import UTC, datetime, timedelta

import pytest

from services.budget.domain import cycle as rules
from services.budget.domain.cycle import PHASES, Category, Cycle, Rules
from services.budget.domain.errors import RuleBroken

T0 = datetime(2026, 3, 1, tzinfo=UTC)
DAY = timedelta(days=1)


def make_cycle(**overrides: object) -> Cycle:
    phases = {name: (T0 + i * 10 * DAY, T0 + (i * 10 + 9) * DAY) for i, name in enumerate(PHASES)}
    fields: dict = {
        "id": "c1",
        "tenant": "chernivtsi",
        "year": 2026,
        "title": "ГБ 2026",
        "categories": (Category("small", "Малі", 1000, 600),),
        "rules": Rules(),
        "phases": phases,
    }
    fields.update(overrides)
    return Cycle(**fields)


def test_budget_phase_follows_the_dates_and_is_scheduled_before_submission() -> None:
    cycle = make_cycle()
    assert rules.current_phase(cycle, T0 - DAY) == "scheduled"
    assert rules.current_phase(cycle, T0) == "submission"
    assert rules.current_phase(cycle, T0 + 31 * DAY) == "voting"
    assert rules.current_phase(cycle, T0 + 365 * DAY) == "implementation"


def test_budget_actions_are_open_only_in_their_phase_and_before_its_end() -> None:
    cycle = make_cycle()
    assert rules.is_open_for(cycle, "vote", T0 + 31 * DAY)
    assert not rules.is_open_for(cycle, "submit", T0 + 31 * DAY)
    # After voting ended but before results started: still "voting", but closed.
    assert rules.current_phase(cycle, T0 + 39.5 * DAY) == "voting"
    assert not rules.is_open_for(cycle, "vote", T0 + 39.5 * DAY)
    with pytest.raises(RuleBroken) as refused:
        rules.require_open_for(cycle, "vote", T0 + 5 * DAY)
    assert refused.value.status == 409 and "submission" in refused.value.detail


def test_budget_admin_advances_by_hand_only_forwards() -> None:
    cycle = make_cycle()
    advanced = rules.advance(cycle, "voting", T0 + DAY)
    assert rules.current_phase(advanced, T0 + 2 * DAY) == "voting"
    assert rules.is_open_for(advanced, "vote", T0 + 2 * DAY)
    # Opened by hand early: ages are counted from that moment.
    assert rules.voting_starts(advanced) == T0 + DAY
    with pytest.raises(RuleBroken) as backwards:
        rules.advance(advanced, "support", T0 + 2 * DAY)
    assert backwards.value.status == 409 and "voting" in backwards.value.detail
    with pytest.raises(RuleBroken) as unknown:
        rules.advance(cycle, "counting", T0)
    assert unknown.value.status == 422 and unknown.value.field == "phase"


def test_budget_wartime_pause_freezes_the_phase_and_resume_shifts_the_dates() -> None:
    cycle = make_cycle()
    paused_at = T0 + 32 * DAY  # during voting
    paused = rules.pause(cycle, paused_at)
    later = T0 + 50 * DAY
    assert rules.current_phase(paused, later) == "voting"  # frozen
    assert not rules.is_open_for(paused, "vote", later)
    with pytest.raises(RuleBroken) as refused:
        rules.require_open_for(paused, "vote", later)
    assert "paused" in refused.value.detail
    with pytest.raises(RuleBroken):
        rules.pause(paused, later)
    resumed = rules.resume(paused, later)
    gap = later - paused_at
    assert resumed.phases["voting"] == (cycle.phases["voting"][0], cycle.phases["voting"][1] + gap)
    assert resumed.phases["submission"] == cycle.phases["submission"]  # already past
    assert rules.current_phase(resumed, later) == "voting"
    assert rules.is_open_for(resumed, "vote", later)
    with pytest.raises(RuleBroken):
        rules.resume(resumed, later)


def test_budget_phases_must_all_be_there_in_order() -> None:
    good = make_cycle().phases
    rules.validate_phases(good)
    missing = {k: v for k, v in good.items() if k != "review"}
    with pytest.raises(RuleBroken) as no_review:
        rules.validate_phases(missing)
    assert no_review.value.field == "phases"
    overlapping = {**good, "support": (good["submission"][0], good["support"][1])}
    with pytest.raises(RuleBroken) as overlap:
        rules.validate_phases(overlapping)
    assert overlap.value.field == "phases.support"
    reversed_phase = {**good, "voting": (good["voting"][1], good["voting"][0])}
    with pytest.raises(RuleBroken):
        rules.validate_phases(reversed_phase)
