r"""A booking's life: which action is allowed from which status, and the time rules around it.

awaiting_payment --confirm--> booked --check_in--> checked_in --serve--> served
      |  (hold expired, payment failed)  |                    \--no_show--> no_show
      +------------cancel----------------+--> cancelled
move (air-raid alert) keeps the status and changes the time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from services.queue.domain.errors import Refused, conflict

ACTIVE = frozenset({"awaiting_payment", "booked"})
STATUSES = ACTIVE | {"checked_in", "served", "no_show", "cancelled"}

TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "confirm": (frozenset({"awaiting_payment"}), "booked"),
    "cancel": (ACTIVE, "cancelled"),
    "move": (ACTIVE, None),  # None: the status stays
    "check_in": (frozenset({"booked"}), "checked_in"),
    "serve": (frozenset({"checked_in"}), "served"),
    "no_show": (frozenset({"checked_in"}), "no_show"),
    "remind": (frozenset({"booked"}), None),
}

CANCEL_REASONS = frozenset(
    {
        "citizen",
        "staff",
        "hold_expired",
        "payment_failed",
        "payment_expired",
        "payment_cancelled",
        "air_raid_alert",
    }
)


def next_status(current: str, action: str) -> str:
    """The status after `action`, or a 409 naming the current one."""
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        raise Refused(
            409,
            f"Неможливо в поточному стані '{current}' / Not allowed while the booking is "
            f"'{current}' (action: {action})",
            "status",
        )
    return target or current


def check_cancel_deadline(
    start: datetime, now: datetime, hours_before: float, *, by_staff: bool
) -> None:
    """The citizen may cancel until `hours_before` the visit; the council's staff any time."""
    if not by_staff and now > start - timedelta(hours=hours_before):
        raise conflict(
            f"Скасувати можна не пізніше ніж за {hours_before:g} год. / "
            f"A booking can be cancelled up to {hours_before:g} h before the visit",
            "start",
        )


def check_in_window(start: datetime, end: datetime, now: datetime, early_minutes: int) -> None:
    """At the door: from `early_minutes` before the slot until its end."""
    if now < start - timedelta(minutes=early_minutes) or now > end:
        raise conflict(
            "Реєстрація в залі можлива лише близько часу запису / "
            "Check-in is possible only around the booked time",
            "start",
        )
