"""The staff workflow's state machine and the statutory limits of Art. 7 and Art. 20."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.appeals.domain import Actor, Appeal, AppealDraft, IllegalTransition, RuleViolation
from services.appeals.domain import workflow as wf
from services.appeals.domain.clock import latest_due_at
from services.appeals.domain.workflow import ALLOWED_FROM

KYIV = "Europe/Kyiv"
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
OFFICIAL = Actor(sub="o1", role="official", name="Петро Іваненко")
STATES = ("registered", "assigned", "forwarded", "returned", "answered", "closed", "reopened")


def appeal(status: str = "registered", **changes: object) -> Appeal:
    draft = AppealDraft(
        kind="statement",
        subject="Ремонт дороги",
        text="Прошу відремонтувати.",
        address="м. Чернівці",
        name="Олена Коваль",
        email="o@example.ua",
    )
    a = Appeal.register(
        draft,
        tenant="chernivtsi",
        citizen_sub="c1",
        number="CHERNIVTSI-2026-1",
        received_at=RECEIVED,
        timezone=KYIV,
    )
    a.status = status
    if status in ("answered", "closed"):
        a.answer = {"text": "Відповідь", "at": RECEIVED}
    for key, value in changes.items():
        setattr(a, key, value)
    return a


SOON = RECEIVED + timedelta(days=1)
ACTIONS = {
    "assign": lambda a: wf.assign(a, OFFICIAL, SOON, "ЖКГ", None),
    "mark_simple": lambda a: wf.mark_simple(a, OFFICIAL, SOON, KYIV),
    "extend": lambda a: wf.extend(a, OFFICIAL, SOON, KYIV, 5, "виїзд на місце"),
    "forward": lambda a: wf.forward(a, OFFICIAL, SOON, KYIV, "ОДА", "поза повноваженнями"),
    "return": lambda a: wf.return_appeal(a, OFFICIAL, SOON, KYIV, "немає адреси"),
    "answer": lambda a: wf.answer(a, OFFICIAL, SOON, "Відремонтуємо."),
    "close": lambda a: wf.close(a, OFFICIAL, SOON),
    "reopen": lambda a: wf.reopen(a, OFFICIAL, SOON, KYIV, "скарга на відповідь"),
    "set_priority": lambda a: wf.set_priority(a, OFFICIAL, SOON, True, "пільговик"),
    "rate": lambda a: wf.rate(a, SOON, 5, None),
}
ILLEGAL = [
    (action, state) for action in ACTIONS for state in STATES if state not in ALLOWED_FROM[action]
]
LEGAL = [(action, state) for action in ACTIONS for state in ALLOWED_FROM[action]]


@pytest.mark.parametrize(("action", "state"), ILLEGAL)
def test_illegal_transition_is_refused_naming_the_current_state(action: str, state: str) -> None:
    subject = appeal(state)
    with pytest.raises(IllegalTransition) as caught:
        ACTIONS[action](subject)
    assert caught.value.state == state
    assert f"'{state}'" in str(caught.value)
    assert subject.status == state  # nothing changed


@pytest.mark.parametrize(("action", "state"), LEGAL)
def test_legal_transition_moves_to_its_target(action: str, state: str) -> None:
    subject = appeal(state)
    change = ACTIONS[action](subject)
    assert change.action == action
    assert subject.status == wf.TARGET.get(action, state)


def test_every_action_is_covered_by_the_table() -> None:
    assert set(ACTIONS) == set(ALLOWED_FROM)


def test_art20_simple_appeal_is_due_15_days_after_receipt() -> None:
    subject = appeal()
    wf.mark_simple(subject, OFFICIAL, SOON, KYIV)
    assert subject.due_at == RECEIVED + timedelta(days=15)
    assert subject.simple


def test_art20_extension_moves_the_due_date_and_records_the_reason() -> None:
    subject = appeal()
    before = subject.due_at
    change = wf.extend(subject, OFFICIAL, SOON, KYIV, 10, "потрібна експертиза")
    assert subject.due_at == before + timedelta(days=10)
    assert change.details["previous_due_at"] == before
    assert change.details["reason"] == "потрібна експертиза"
    assert subject.history[-1]["stage"] == "extended"


def test_art20_extension_never_beyond_45_days_from_receipt() -> None:
    subject = appeal()  # due 2 April = received + 31 days
    wf.extend(subject, OFFICIAL, SOON, KYIV, 14, "експертиза")  # exactly 45 days
    # 16 April at the same Kyiv wall-clock time (summer time began in between).
    assert (
        subject.due_at == latest_due_at(RECEIVED, KYIV) == datetime(2026, 4, 16, 8, 0, tzinfo=UTC)
    )
    with pytest.raises(RuleViolation) as caught:
        wf.extend(subject, OFFICIAL, SOON, KYIV, 1, "ще")
    assert caught.value.field == "days"
    assert subject.due_at == latest_due_at(RECEIVED, KYIV)


def test_art20_extension_needs_a_reason_and_positive_days() -> None:
    with pytest.raises(RuleViolation) as no_reason:
        wf.extend(appeal(), OFFICIAL, SOON, KYIV, 3, "  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(RuleViolation) as no_days:
        wf.extend(appeal(), OFFICIAL, SOON, KYIV, 0, "так")
    assert no_days.value.field == "days"


def test_art20_priority_flag_is_set_by_staff() -> None:
    subject = appeal()
    wf.set_priority(subject, OFFICIAL, SOON, True, "особа з інвалідністю")
    assert subject.priority


@pytest.mark.parametrize("action", ["forward", "return"])
def test_art7_forward_and_return_allowed_within_5_days_of_receipt(action: str) -> None:
    subject = appeal()
    on_day_five = RECEIVED + timedelta(days=5)
    if action == "forward":
        wf.forward(subject, OFFICIAL, on_day_five, KYIV, "ОДА", "поза повноваженнями")
    else:
        wf.return_appeal(subject, OFFICIAL, on_day_five, KYIV, "немає адреси")
    assert subject.status == {"forward": "forwarded", "return": "returned"}[action]


@pytest.mark.parametrize("action", ["forward", "return"])
def test_art7_forward_and_return_refused_after_5_days(action: str) -> None:
    subject = appeal()
    late = RECEIVED + timedelta(days=5, minutes=1)
    with pytest.raises(RuleViolation):
        if action == "forward":
            wf.forward(subject, OFFICIAL, late, KYIV, "ОДА", "поза повноваженнями")
        else:
            wf.return_appeal(subject, OFFICIAL, late, KYIV, "немає адреси")
    assert subject.status == "registered"


def test_answer_sets_answered_at_and_summary() -> None:
    subject = appeal("assigned")
    change = wf.answer(subject, OFFICIAL, SOON, "x" * 600)
    assert subject.answered_at == SOON and subject.status == "answered"
    assert len(change.details["summary"]) == 500 and change.details["on_time"]


def test_art_20_the_clock_stops_when_an_appeal_is_no_longer_open_and_restarts_on_reopening() -> (
    None
):
    subject = appeal("assigned")
    assert subject.clock_pending
    wf.answer(subject, OFFICIAL, SOON, "Відповідь")
    assert not subject.clock_pending  # no due-soon or overdue notice for an answered appeal
    wf.reopen(subject, OFFICIAL, SOON + timedelta(days=3), KYIV, "скарга на відповідь")
    assert subject.clock_pending
    forwarded = appeal("registered")
    wf.forward(forwarded, OFFICIAL, RECEIVED + timedelta(days=1), KYIV, "Інша рада", "не наша")
    assert not forwarded.clock_pending


def test_reopen_starts_a_new_term_and_the_45_day_cap_counts_from_it() -> None:
    subject = appeal("closed")
    later = RECEIVED + timedelta(days=60)
    wf.reopen(subject, OFFICIAL, later, KYIV, "скарга на відповідь")
    assert subject.term_start == later and subject.answered_at is None
    wf.extend(subject, OFFICIAL, later, KYIV, 14, "експертиза")  # within 45 of reopening


def test_rating_only_once_and_from_1_to_5() -> None:
    subject = appeal("answered")
    with pytest.raises(RuleViolation):
        wf.rate(subject, SOON, 6, None)
    wf.rate(subject, SOON, 4, "дякую")
    with pytest.raises(IllegalTransition):
        wf.rate(subject, SOON, 5, None)
    assert subject.rating is not None and subject.rating["score"] == 4


def test_timeline_records_the_department_of_each_stage() -> None:
    subject = appeal()
    wf.assign(subject, OFFICIAL, SOON, "Управління ЖКГ", "Петренко")
    wf.answer(subject, OFFICIAL, SOON, "Відповідь")
    assert [(h["stage"], h.get("department")) for h in subject.history] == [
        ("registered", None),
        ("assigned", "Управління ЖКГ"),
        ("answered", "Управління ЖКГ"),
    ]
