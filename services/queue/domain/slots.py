"""The slot grid: when an office can see a citizen for a service on a day, and how many more.

An office's day is cut into cells of `slot_minutes` from each opening; a service takes as many
consecutive cells as its duration needs, at one window that serves it. A slot is listed when it
lies inside an opening, misses every break and every air-raid closure, and has not begun. Its
capacity is the number of such windows; what is left is the windows whose cells are all free.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services.queue.domain.catalogue import AdminService
from services.queue.domain.errors import Refused, invalid
from services.queue.domain.office import WEEKDAYS, Office, minutes


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    windows: tuple[int, ...]  # the windows that serve the service then (the capacity)
    cells: tuple[datetime, ...]  # the grid cells it occupies at a window (UTC starts)


@dataclass(frozen=True)
class Closure:
    """An office closed for a time (an air-raid alert): no slot may touch it."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Opening:
    opens: int  # minutes after local midnight
    closes: int
    services: frozenset[str] | None  # a mobile visit offers only these


def openings(office: Office, day: date, holidays: Iterable[date] = ()) -> list[Opening]:
    """When the office receives on `day` (nothing on the council's holidays)."""
    if day in set(holidays) or day in office.closed_days or not office.active:
        return []
    if office.kind == "mobile":
        return [
            Opening(minutes(v.opens), minutes(v.closes), frozenset(v.services))
            for v in office.visits
            if v.date == day
        ]
    hours = office.hours.get(WEEKDAYS[day.weekday()])
    return [Opening(minutes(hours.opens), minutes(hours.closes), None)] if hours else []


def local_moment(day: date, minute: int, zone: ZoneInfo) -> datetime:
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return (midnight + timedelta(minutes=minute)).astimezone(UTC)


def slots_of_day(
    office: Office,
    service: AdminService,
    day: date,
    timezone: str,
    *,
    now: datetime,
    holidays: Iterable[date] = (),
    closures: Sequence[Closure] = (),
) -> list[Slot]:
    grid = _Grid(office, service, day, timezone, now, closures)
    found: list[Slot] = []
    for opening in openings(office, day, holidays):
        if not grid.serves(opening):
            continue
        for first in range(opening.opens, opening.closes - grid.span * grid.step + 1, grid.step):
            slot = grid.slot(first)
            if slot is not None:
                found.append(slot)
    return found


def slot_at(
    office: Office,
    service: AdminService,
    start: datetime,
    timezone: str,
    *,
    now: datetime,
    holidays: Iterable[date] = (),
    closures: Sequence[Closure] = (),
) -> Slot:
    """The slot beginning at `start`, exactly as `slots_of_day` would list it, computed alone:
    a booking needs only its own slot, not the whole day's grid (the cost of every booking)."""
    zone = ZoneInfo(timezone)
    local = start.astimezone(zone)
    day, first = local.date(), local.hour * 60 + local.minute
    grid = _Grid(office, service, day, timezone, now, closures)
    # Off the minute, or a wall time the grid never produces (the repeated hour in autumn).
    if local.second or local.microsecond or local_moment(day, first, zone) != start:
        raise _no_such_slot()
    for opening in openings(office, day, holidays):
        on_grid = (first - opening.opens) % grid.step == 0
        inside = opening.opens <= first <= opening.closes - grid.span * grid.step
        if on_grid and inside and grid.serves(opening):
            slot = grid.slot(first)
            if slot is not None:
                return slot
    raise _no_such_slot()


class _Grid:
    """One office's grid for one service on one local day: whether a cell may start a slot."""

    def __init__(
        self,
        office: Office,
        service: AdminService,
        day: date,
        timezone: str,
        now: datetime,
        closures: Sequence[Closure],
    ) -> None:
        self.day, self.zone, self.now, self.closures = day, ZoneInfo(timezone), now, closures
        self.service_code = service.code
        self.step = office.slot_minutes
        self.span = math.ceil(service.duration_minutes / self.step)
        self.windows = tuple(office.windows_for(service.code))
        self.breaks = [(minutes(b.opens), minutes(b.closes)) for b in office.breaks]

    def serves(self, opening: Opening) -> bool:
        return bool(self.windows) and (
            opening.services is None or self.service_code in opening.services
        )

    def slot(self, first: int) -> Slot | None:
        """The slot starting `first` minutes after local midnight, unless a break, the past or
        a closure rules it out (the caller keeps `first` on the grid inside an opening)."""
        step, last = self.step, first + self.span * self.step
        if any(first < b_end and b_start < last for b_start, b_end in self.breaks):
            return None
        start = local_moment(self.day, first, self.zone)
        end = local_moment(self.day, last, self.zone)
        if start <= self.now or any(start < c.ends_at and c.starts_at < end for c in self.closures):
            return None
        cells = tuple(local_moment(self.day, first + i * step, self.zone) for i in range(self.span))
        return Slot(start, end, self.windows, cells)


def free_windows(slot: Slot, taken: set[tuple[datetime, int]]) -> list[int]:
    """The windows at which every cell of the slot is still free."""
    return [w for w in slot.windows if all((cell, w) not in taken for cell in slot.cells)]


def local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def month_key(moment: datetime, timezone: str) -> str:
    """The citizen's monthly limit counts bookings by the month of the visit, locally."""
    return local_day(moment, timezone).strftime("%Y-%m")


def check_horizon(start: datetime, now: datetime, horizon_days: int, timezone: str) -> None:
    """Slots open `horizon_days` ahead (the MVS practice: 21 days); the past is closed."""
    if start <= now:
        raise invalid("start", "Цей час уже минув / This time has already passed")
    if local_day(start, timezone) > local_day(now, timezone) + timedelta(days=horizon_days):
        raise invalid(
            "start",
            f"Запис відкрито лише на {horizon_days} днів наперед / "
            f"Booking opens only {horizon_days} days ahead",
        )


def _no_such_slot() -> Refused:
    return invalid("start", "Немає такого часу прийому / No such slot for this service and office")
