"""Who may vote: the council's own regulation (LAW.md, Participatory budget): minimum age on
the day voting starts, residence or an approved proof, strong identification."""

from datetime import UTC, date, datetime

import pytest

from services.budget.domain.cycle import Rules
from services.budget.domain.eligibility import Person, age_on, require_voter
from services.budget.domain.errors import RuleBroken

VOTING_STARTS = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def person(**overrides: object) -> Person:
    fields: dict = {"acr": "substantial", "birthdate": "1990-05-05", "residence": "chernivtsi"}
    fields.update(overrides)
    return Person(**fields)


def test_age_counts_full_years_and_leap_day_birthdays() -> None:
    assert age_on(date(2010, 6, 1), date(2026, 6, 1)) == 16
    assert age_on(date(2010, 6, 2), date(2026, 6, 1)) == 15
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def test_budget_min_age_is_checked_on_the_day_voting_starts() -> None:
    rules = Rules(min_age=16)
    assert require_voter(person(birthdate="2010-06-01"), "chernivtsi", rules, VOTING_STARTS)
    with pytest.raises(RuleBroken) as too_young:
        require_voter(person(birthdate="2010-06-02"), "chernivtsi", rules, VOTING_STARTS)
    assert too_young.value.status == 403
    with pytest.raises(RuleBroken) as unknown:
        require_voter(person(birthdate=None), "chernivtsi", rules, VOTING_STARTS)
    assert unknown.value.status == 403
    # A council that lets 14-year-olds vote.
    assert require_voter(
        person(birthdate="2012-01-01"), "chernivtsi", Rules(min_age=14), VOTING_STARTS
    )


def test_budget_needs_bankid_level_identification() -> None:
    with pytest.raises(RuleBroken) as weak:
        require_voter(person(acr="low"), "chernivtsi", Rules(), VOTING_STARTS)
    assert weak.value.status == 403 and "BankID" in weak.value.detail
    assert require_voter(person(acr="high"), "chernivtsi", Rules(), VOTING_STARTS) == "residence"


def test_budget_residents_or_an_approved_proof_of_work_study_service_or_idp() -> None:
    rules = Rules()
    outsider = person(residence="uzhhorod")
    with pytest.raises(RuleBroken) as refused:
        require_voter(outsider, "chernivtsi", rules, VOTING_STARTS)
    assert refused.value.status == 403
    idp = person(residence=None, approved_proofs=frozenset({"idp"}))
    assert require_voter(idp, "chernivtsi", rules, VOTING_STARTS) == "idp"
    # A council whose cycle accepts residence only refuses the same approved proof.
    residents_only = Rules(eligibility=("residence",))
    with pytest.raises(RuleBroken):
        require_voter(idp, "chernivtsi", residents_only, VOTING_STARTS)
