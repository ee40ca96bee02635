"""The officials' appeal workflow as the pages offer it: which actions an appeal's status
allows (the appeals service decides; this only hides buttons that would get a 409), the form
fields of each, and the JSON body built from a posted form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Action:
    name: str
    allowed_from: frozenset[str]
    fields: tuple[str, ...] = ()  # text inputs; "text" and "reason" are text areas


OPEN = frozenset({"registered", "assigned", "reopened"})
ACTIONS = (
    Action("answer", OPEN, ("text",)),
    Action("assign", OPEN, ("department", "assignee")),
    Action("mark-simple", frozenset({"registered", "assigned"})),
    Action("extend", OPEN, ("days", "reason")),
    Action("forward", frozenset({"registered", "assigned"}), ("to", "reason")),
    Action("return", frozenset({"registered", "assigned"}), ("reason",)),
    Action("close", frozenset({"answered", "forwarded", "returned"})),
    Action("reopen", frozenset({"answered", "closed"}), ("reason",)),
)
BY_NAME = {a.name: a for a in ACTIONS}


def actions_for(status: str) -> list[Action]:
    return [a for a in ACTIONS if status in a.allowed_from]


def action_body(action: Action, form: dict[str, str]) -> dict[str, Any]:
    """The API body: empty optional fields left out, `days` a number when it is one (else the
    service names the field in its 422)."""
    body: dict[str, Any] = {}
    for name in action.fields:
        value = form.get(name, "").strip()
        if name == "assignee" and not value:
            continue
        body[name] = int(value) if name == "days" and value.isdigit() else value
    return body


def by_deadline(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The inbox order: overdue first, then the nearest due date."""
    return sorted(items, key=lambda a: (not a.get("overdue"), _moment(a.get("due_at"))))


def _moment(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.max
