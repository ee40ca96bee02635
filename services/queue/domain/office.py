"""ASC offices: a stationary centre with numbered windows and weekly hours, or a mobile ASC
(a van, a "digital suitcase") that visits villages on given dates. Times of day are the
council's wall clock, "HH:MM"."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from services.queue.domain.catalogue import CODE, Name
from services.queue.domain.errors import invalid

HHMM = Annotated[str, msgspec.Meta(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def minutes(hhmm: str) -> int:
    """ "08:30" -> 510 minutes after midnight."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


class Interval(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    opens: HHMM
    closes: HHMM


class Window(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    number: Annotated[int, msgspec.Meta(ge=1, le=99)]
    services: list[str]


class Visit(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A mobile ASC's stop: one settlement, one date, the services offered there."""

    id: Annotated[str, msgspec.Meta(pattern=CODE)]
    settlement: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    date: date
    opens: HHMM
    closes: HHMM
    services: list[str]
    address: str = ""


class Office(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """`hours` by weekday (mon..sun, missing = closed); `breaks` every working day;
    `closed_days` on top of the council's holidays; `visits` only for a mobile ASC."""

    id: Annotated[str, msgspec.Meta(pattern=CODE)]
    kind: Literal["stationary", "mobile"]
    name: Name
    windows: list[Window]
    address: str = ""
    settlement: str = ""
    slot_minutes: Annotated[int, msgspec.Meta(ge=5, le=120)] = 15
    hours: dict[str, Interval] = msgspec.field(default_factory=dict)
    breaks: list[Interval] = msgspec.field(default_factory=list)
    closed_days: list[date] = msgspec.field(default_factory=list)
    visits: list[Visit] = msgspec.field(default_factory=list)
    active: bool = True

    def windows_for(self, service_code: str) -> list[int]:
        return [w.number for w in self.windows if service_code in w.services]

    def services(self) -> set[str]:
        return {code for w in self.windows for code in w.services}


def check_office(office: Office, known_services: set[str]) -> Office:
    """Numbers unique, services known, intervals the right way round, visits on a mobile only."""
    numbers = [w.number for w in office.windows]
    if not numbers:
        raise invalid("windows", "an office needs at least one window")
    if len(set(numbers)) != len(numbers):
        raise invalid("windows", "window numbers must be unique")
    for w in office.windows:
        unknown = set(w.services) - known_services
        if unknown:
            raise invalid("windows.services", f"unknown service codes: {sorted(unknown)}")
    for day, interval in office.hours.items():
        if day not in WEEKDAYS:
            raise invalid("hours", f"weekdays are {', '.join(WEEKDAYS)}")
        _check_interval(f"hours.{day}", interval.opens, interval.closes)
    for interval in office.breaks:
        _check_interval("breaks", interval.opens, interval.closes)
    if office.kind == "stationary" and office.visits:
        raise invalid("visits", "only a mobile ASC has visits")
    for visit in office.visits:
        _check_interval("visits", visit.opens, visit.closes)
        if set(visit.services) - office.services():
            raise invalid("visits.services", "a visit offers only services its windows serve")
    return office


def _check_interval(field: str, opens: str, closes: str) -> None:
    if minutes(opens) >= minutes(closes):
        raise invalid(field, "opens must be before closes")
