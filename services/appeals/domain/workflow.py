"""The staff workflow as a pure state machine: which action is legal in which state, and the
statutory limits of Art. 7 and Art. 20. Each action changes the appeal in memory and returns a
`Change` (what goes into the audit trail and the event); the use cases store it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.appeals.domain.audit import Actor
from services.appeals.domain.clock import (
    MAX_TERM_DAYS,
    ROUTING_WINDOW_DAYS,
    add_days,
    default_due_at,
    latest_due_at,
    simple_due_at,
    within_routing_window,
)
from services.appeals.domain.model import OPEN_STATUSES, Appeal

ROUTABLE = ("registered", "assigned")
# action -> the states it may start from; the state it leads to is in TARGET.
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "assign": OPEN_STATUSES,
    "mark_simple": ROUTABLE,
    "extend": OPEN_STATUSES,
    "forward": ROUTABLE,
    "return": ROUTABLE,
    "answer": OPEN_STATUSES,
    "close": ("answered", "forwarded", "returned"),
    "reopen": ("answered", "closed"),
    "set_priority": OPEN_STATUSES,
    "rate": ("answered", "closed"),
}
TARGET = {
    "assign": "assigned",
    "forward": "forwarded",
    "return": "returned",
    "answer": "answered",
    "close": "closed",
    "reopen": "reopened",
}
TEXT_MAX = 20_000
REASON_MAX = 2_000
ANSWER_SUMMARY_MAX = 500


class IllegalTransition(Exception):
    """The action is not possible in the appeal's current state (HTTP 409)."""

    def __init__(self, action: str, state: str, detail: str = "") -> None:
        super().__init__(
            detail or f"Cannot {action.replace('_', ' ')} an appeal whose status is '{state}'."
        )
        self.action = action
        self.state = state


class RuleViolation(Exception):
    """The action breaks a statutory or input rule (HTTP 422 naming the field)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass
class Change:
    """What one action did: recorded in the audit trail and announced as an event."""

    action: str
    details: dict[str, Any] = field(default_factory=dict)


def guard(appeal: Appeal, action: str) -> None:
    if appeal.status not in ALLOWED_FROM[action]:
        raise IllegalTransition(action, appeal.status)


def _required(field_name: str, value: str, limit: int = REASON_MAX) -> str:
    value = value.strip()
    if not value:
        raise RuleViolation(field_name, f"{field_name} is required")
    if len(value) > limit:
        raise RuleViolation(field_name, f"{field_name} must be at most {limit} characters")
    return value


def _stage(appeal: Appeal, stage: str, at: datetime, actor: Actor, **extra: Any) -> None:
    appeal.history.append(
        {
            "stage": stage,
            "at": at,
            "department": appeal.department,
            "official": actor.name or None,
            **extra,
        }
    )


def _move(appeal: Appeal, action: str) -> None:
    if action in TARGET:
        appeal.status = TARGET[action]
        if appeal.status not in OPEN_STATUSES:
            # No notice is due on an appeal that is no longer open, so the clock's query
            # (an equality on the flag) need not read it every minute for years.
            appeal.clock_pending = False


def assign(
    appeal: Appeal, actor: Actor, now: datetime, department: str, assignee: str | None
) -> Change:
    guard(appeal, "assign")
    appeal.department = _required("department", department, 200)
    appeal.assignee = assignee.strip() if assignee and assignee.strip() else None
    _move(appeal, "assign")
    _stage(appeal, "assigned", now, actor)
    return Change("assign", {"department": appeal.department, "assignee": appeal.assignee})


def mark_simple(appeal: Appeal, actor: Actor, now: datetime, timezone: str) -> Change:
    """Art. 20: no additional study needed -> due within 15 days of receipt."""
    guard(appeal, "mark_simple")
    previous = appeal.due_at
    appeal.simple = True
    appeal.due_at = simple_due_at(appeal.term_start, timezone)
    appeal.clock_pending = True
    _stage(appeal, "marked_simple", now, actor, due_at=appeal.due_at)
    return Change("mark_simple", {"previous_due_at": previous, "due_at": appeal.due_at})


def extend(
    appeal: Appeal, actor: Actor, now: datetime, timezone: str, days: int, reason: str
) -> Change:
    """Art. 20: the head of the body may extend the term, with notice to the citizen; the
    whole term never exceeds 45 days."""
    guard(appeal, "extend")
    if days < 1:
        raise RuleViolation("days", "must be at least 1")
    reason = _required("reason", reason)
    new_due = add_days(appeal.due_at, days, timezone)
    limit = latest_due_at(appeal.term_start, timezone)
    if new_due > limit:
        raise RuleViolation(
            "days",
            f"the term would exceed {MAX_TERM_DAYS} days from receipt (Art. 20); "
            f"the latest possible due date is {limit.isoformat()}",
        )
    previous = appeal.due_at
    appeal.due_at = new_due
    appeal.extended_days += days
    appeal.clock_pending = True
    _stage(appeal, "extended", now, actor, due_at=new_due, note=reason)
    return Change(
        "extend", {"days": days, "reason": reason, "previous_due_at": previous, "due_at": new_due}
    )


def _check_routing_window(appeal: Appeal, now: datetime, timezone: str) -> None:
    if not within_routing_window(appeal.received_at, now, timezone):
        raise RuleViolation(
            "received_at",
            f"forwarding or returning is allowed only within {ROUTING_WINDOW_DAYS} days "
            "of receipt (Art. 7)",
        )


def forward(
    appeal: Appeal, actor: Actor, now: datetime, timezone: str, to: str, reason: str
) -> Change:
    """Art. 7: outside the body's powers -> forwarded to the competent body within 5 days."""
    guard(appeal, "forward")
    to = _required("to", to, 300)
    reason = _required("reason", reason)
    _check_routing_window(appeal, now, timezone)
    appeal.forwarded_to = to
    _move(appeal, "forward")
    _stage(appeal, "forwarded", now, actor, note=f"{to}: {reason}")
    return Change("forward", {"to": to, "reason": reason})


def return_appeal(
    appeal: Appeal, actor: Actor, now: datetime, timezone: str, reason: str
) -> Change:
    """Art. 7: data needed to decide is missing -> returned within 5 days, with the reason."""
    guard(appeal, "return")
    reason = _required("reason", reason)
    _check_routing_window(appeal, now, timezone)
    _move(appeal, "return")
    _stage(appeal, "returned", now, actor, note=reason)
    return Change("return", {"reason": reason})


def answer(appeal: Appeal, actor: Actor, now: datetime, text: str) -> Change:
    guard(appeal, "answer")
    text = _required("text", text, TEXT_MAX)
    appeal.answer = {"text": text, "at": now}
    appeal.answered_at = now
    _move(appeal, "answer")
    _stage(appeal, "answered", now, actor)
    return Change("answer", {"summary": answer_summary(text), "on_time": now <= appeal.due_at})


def answer_summary(text: str) -> str:
    return text if len(text) <= ANSWER_SUMMARY_MAX else text[: ANSWER_SUMMARY_MAX - 1] + "…"


def close(appeal: Appeal, actor: Actor, now: datetime) -> Change:
    guard(appeal, "close")
    appeal.closed_at = now
    _move(appeal, "close")
    _stage(appeal, "closed", now, actor)
    return Change("close", {})


def reopen(appeal: Appeal, actor: Actor, now: datetime, timezone: str, reason: str) -> Change:
    """A complaint about the answer: the appeal is considered again, on a new statutory term."""
    guard(appeal, "reopen")
    if appeal.answer is None:
        raise IllegalTransition("reopen", appeal.status)
    reason = _required("reason", reason)
    appeal.term_started_at = now
    appeal.due_at = default_due_at(now, timezone)
    appeal.clock_pending = True
    appeal.answered_at = None
    appeal.closed_at = None
    appeal.simple = False
    appeal.extended_days = 0
    _move(appeal, "reopen")
    _stage(appeal, "reopened", now, actor, due_at=appeal.due_at, note=reason)
    return Change("reopen", {"reason": reason, "due_at": appeal.due_at})


def set_priority(
    appeal: Appeal, actor: Actor, now: datetime, priority: bool, reason: str
) -> Change:
    """Art. 20: persons with statutory benefits are handled first."""
    guard(appeal, "set_priority")
    appeal.priority = priority
    return Change("set_priority", {"priority": priority, "reason": reason.strip()[:REASON_MAX]})


def rate(appeal: Appeal, now: datetime, score: int, comment: str | None) -> Change:
    """The author rates the answer once, 1 to 5."""
    guard(appeal, "rate")
    if appeal.rating is not None:
        raise IllegalTransition("rate", appeal.status, "The answer has already been rated.")
    if not 1 <= score <= 5:
        raise RuleViolation("score", "must be from 1 to 5")
    comment = (comment or "").strip()[:REASON_MAX] or None
    appeal.rating = {"score": score, "comment": comment, "at": now}
    return Change("rate", {"score": score})


def note_due_soon(appeal: Appeal) -> Change:
    appeal.due_soon_for = appeal.due_at
    return Change("due_soon", {"due_at": appeal.due_at})


def note_overdue(appeal: Appeal) -> Change:
    """The last notice for this due date: a warning that was not sent in time is moot."""
    appeal.overdue_for = appeal.due_at
    appeal.due_soon_for = appeal.due_at
    appeal.clock_pending = False
    return Change("overdue", {"due_at": appeal.due_at})
