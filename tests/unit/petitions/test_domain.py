"""The petition's pure rules (Law 393/96-ВР Art. 23-1) and lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chassis.calendar import add_working_days
from services.petitions.domain import model
from services.petitions.domain.model import IllegalTransition, Petition
from services.petitions.domain.rules import (
    PetitionRules,
    is_identified,
    may_sign_as_resident,
    milestone_target,
    milestones_reached,
    rules_of,
)

NOW = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)  # a Friday


def petition(status: str = model.MODERATION, **changes: object) -> Petition:
    p = Petition(
        id="p-1",
        tenant="chernivtsi",
        title="Велодоріжка",
        text="Прошу облаштувати велодоріжку.",
        author_sub="c-1",
        author_name="Олена Коваль",
        author_email="olena@example.ua",
        locale="uk",
        status=status,
        created_at=NOW,
        moderation_due_at=add_working_days(NOW, 2, "Europe/Kyiv"),
    )
    for key, value in changes.items():
        setattr(p, key, value)
    return p


def test_art23_1_defaults_are_250_signatures_in_60_days_from_anyone() -> None:
    assert rules_of({}, {}) == PetitionRules(250, 60, "any")


def test_art23_1_the_council_statute_sets_threshold_and_period_then_overrides_win() -> None:
    platform = {"petition_threshold": 150, "petition_collection_days": 90}
    assert rules_of(platform, {}) == PetitionRules(150, 90, "any")
    overrides = {"threshold": 6000, "signers": "residents"}
    assert rules_of(platform, overrides) == PetitionRules(6000, 90, "residents")


def test_malformed_stored_rules_fall_back_to_defaults() -> None:
    bad = {"petition_threshold": "many", "petition_collection_days": 0}
    assert rules_of(bad, {"signers": "aliens", "threshold": True}) == PetitionRules()


def test_art23_1_only_identified_persons_sign() -> None:
    assert is_identified("substantial") and is_identified("high")
    assert not is_identified("low")


def test_residents_only_petitions_refuse_another_residence() -> None:
    assert may_sign_as_resident("any", None, "chernivtsi")
    assert may_sign_as_resident("residents", "chernivtsi", "chernivtsi")
    assert not may_sign_as_resident("residents", "uzhhorod", "chernivtsi")
    assert not may_sign_as_resident("residents", None, "chernivtsi")


def test_milestones_round_up_and_fire_at_each_quarter() -> None:
    assert milestone_target(5, 50) == 3
    assert milestones_reached(62, 250) == []
    assert milestones_reached(63, 250) == [25]
    assert milestones_reached(187, 250) == [25, 50]
    assert milestones_reached(250, 250) == [25, 50, 75, 100]
    assert milestones_reached(1, 1) == [25, 50, 75, 100]


def test_art23_1_moderation_is_due_within_two_working_days() -> None:
    p = petition()
    # Filed on a Friday afternoon: Monday and Tuesday are the two working days.
    assert p.moderation_due_at == datetime(2026, 3, 10, 22, 0, tzinfo=UTC)
    assert not p.moderation_overdue(NOW)
    assert p.moderation_overdue(p.moderation_due_at + timedelta(seconds=1))
    published = petition(model.COLLECTING)
    assert not published.moderation_overdue(p.moderation_due_at + timedelta(days=1))


def test_publish_fixes_threshold_deadline_and_signers_at_that_moment() -> None:
    changes = model.publish(petition(), PetitionRules(100, 30, "residents"), NOW)
    assert changes == {
        "status": model.COLLECTING,
        "threshold": 100,
        "signers": "residents",
        "published_at": NOW,
        "deadline_at": NOW + timedelta(days=30),
    }


def test_reject_keeps_the_reason() -> None:
    assert model.reject(petition(), "Немає суті") == {
        "status": model.REJECTED,
        "rejection_reason": "Немає суті",
    }


def test_art23_1_threshold_reached_moves_to_consideration_with_its_due_date() -> None:
    due = add_working_days(NOW, 10, "Europe/Kyiv")
    changes = model.reach_threshold(petition(model.COLLECTING), NOW, due)
    assert changes["status"] == model.UNDER_CONSIDERATION
    assert changes["response_due_at"] == due == datetime(2026, 3, 20, 22, 0, tzinfo=UTC)


def test_art23_1_deadline_below_threshold_is_not_supported() -> None:
    assert model.pass_deadline(petition(model.COLLECTING), NOW)["status"] == model.NOT_SUPPORTED


def test_respond_answers_a_petition_under_consideration() -> None:
    changes = model.respond(petition(model.UNDER_CONSIDERATION), "supported", "Так", NOW)
    assert changes["status"] == model.ANSWERED and changes["decision"] == "supported"


ILLEGAL = [
    ("publish", lambda p: model.publish(p, PetitionRules(), NOW), model.COLLECTING),
    ("publish", lambda p: model.publish(p, PetitionRules(), NOW), model.REJECTED),
    ("reject", lambda p: model.reject(p, "x"), model.COLLECTING),
    ("reject", lambda p: model.reject(p, "x"), model.ANSWERED),
    ("respond", lambda p: model.respond(p, "supported", "x", NOW), model.MODERATION),
    ("respond", lambda p: model.respond(p, "supported", "x", NOW), model.COLLECTING),
    ("respond", lambda p: model.respond(p, "supported", "x", NOW), model.ANSWERED),
    ("threshold", lambda p: model.reach_threshold(p, NOW, NOW), model.NOT_SUPPORTED),
    ("deadline", lambda p: model.pass_deadline(p, NOW), model.UNDER_CONSIDERATION),
]


@pytest.mark.parametrize(("action", "act", "status"), ILLEGAL)
def test_illegal_transitions_name_the_current_status(action, act, status) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IllegalTransition) as refused:
        act(petition(status))
    assert refused.value.status == status


def test_collecting_ends_at_the_deadline() -> None:
    p = petition(model.COLLECTING, deadline_at=NOW)
    assert p.is_collecting(NOW - timedelta(seconds=1))
    assert not p.is_collecting(NOW)


def test_response_overdue_only_while_under_consideration() -> None:
    p = petition(model.UNDER_CONSIDERATION, response_due_at=NOW)
    assert p.response_overdue(NOW + timedelta(seconds=1))
    p.status = model.ANSWERED
    assert not p.response_overdue(NOW + timedelta(days=1))
