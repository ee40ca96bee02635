"""Who may vote (and support, and propose): the council's rules applied to what the identity
provider verified about the person, or to what ASC staff checked in a passport.

- assurance: BankID / MobileID / qualified e-signature (`acr` substantial or high);
- age: at least the cycle's `min_age` on the day voting starts;
- eligibility: registered residence in the hromada, or an approved proof of work, study,
  service or IDP status, whichever of these the cycle accepts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from services.budget.domain.cycle import Rules
from services.budget.domain.errors import RuleBroken

STRONG_ASSURANCE = frozenset({"substantial", "high"})


@dataclass(frozen=True)
class Person:
    """What is known about a voter: from the token online, from the passport offline."""

    acr: str
    birthdate: str | None
    residence: str | None
    approved_proofs: frozenset[str] = frozenset()


def age_on(birthdate: date, day: date) -> int:
    """Full years; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (birthdate.month, birthdate.day)
    return day.year - birthdate.year - before_birthday


def require_strong_identity(acr: str) -> None:
    if acr not in STRONG_ASSURANCE:
        raise RuleBroken(
            403,
            "Потрібна ідентифікація через BankID, MobileID або КЕП / "
            "This needs BankID, MobileID or a qualified e-signature (acr substantial or high).",
        )


def require_age(birthdate: str | None, min_age: int, voting_start: datetime) -> None:
    if not birthdate:
        raise RuleBroken(403, "Дата народження невідома / The birth date is not known.")
    try:
        born = date.fromisoformat(birthdate)
    except ValueError as exc:
        raise RuleBroken(422, "The birth date is not an ISO date.", "birthdate") from exc
    if age_on(born, voting_start.date()) < min_age:
        raise RuleBroken(
            403,
            f"Голосувати можна з {min_age} років / Voters must be at least {min_age} "
            "on the day voting starts.",
        )


def eligible_by(person: Person, tenant: str, accepted: Iterable[str]) -> str | None:
    """The ground the person votes on, or None: residence first, then an approved proof."""
    accepted = tuple(accepted)
    if "residence" in accepted and person.residence == tenant:
        return "residence"
    return next((kind for kind in accepted if kind in person.approved_proofs), None)


def require_voter(person: Person, tenant: str, rules: Rules, voting_start: datetime) -> str:
    """All the voter rules; returns the eligibility ground."""
    require_strong_identity(person.acr)
    require_age(person.birthdate, rules.min_age, voting_start)
    ground = eligible_by(person, tenant, rules.eligibility)
    if ground is None:
        raise RuleBroken(
            403,
            "Голосують мешканці громади або особи з підтвердженим правом "
            "(робота, навчання, служба, статус ВПО) / Only residents, or people with an "
            "approved proof of work, study, service or IDP status, may vote.",
        )
    return ground
