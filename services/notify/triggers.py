"""What triggers a notice, and to whom: each event type with a template (services/notify/
catalog.py) is a trigger. A citizen's notice goes to the event's `citizen_sub` over the
channels they allow; a notice for staff goes to the council's staff inbox.

Events carry their recipient by convention (`citizen_sub`, `citizen_name`, `email`, `phone`,
`locale`); an event that names its person otherwise maps it in RECIPIENT_FIELDS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

# Importing a contracts module registers its event types.
import contracts.appeals
import contracts.budget
import contracts.payments
import contracts.petitions
import contracts.queue  # noqa: F401
from contracts.envelope import EventModel, event_type_registry
from services.notify.catalog import DEFAULT_TEMPLATES

Audience = Literal["citizen", "staff", "everyone"]

STAFF_EVENTS = frozenset({"appeals.appeal.due_soon.v1", "appeals.appeal.overdue.v1"})
# Told to everyone notify knows in the council, as a hromada news item (feed + broadcast).
EVERYONE_EVENTS = frozenset({"budget.cycle.phase_changed.v1", "budget.cycle.results_published.v1"})

_AUTHOR = {"sub": "author_sub", "name": "author_name", "email": "author_email"}
# Event field -> recipient field, for events whose person is not `citizen_*` (e.g. an author).
RECIPIENT_FIELDS: dict[str, dict[str, str]] = {
    **{
        f"petitions.petition.{name}.v1": _AUTHOR
        for name in ("published", "rejected", "milestone_reached", "threshold_reached", "answered")
    },
    "budget.project.reviewed.v1": {"sub": "author_sub", "name": "author_name"},
}

# Only some events of a type are worth a notice.
CONDITIONS: dict[str, Callable[[Mapping[str, Any]], bool]] = {
    "budget.cycle.phase_changed.v1": lambda data: data.get("phase") == "voting",
}


def staff_inbox(tenant: str) -> str:
    """The `sub` under which a council's staff inbox items are kept."""
    return f"staff:{tenant}"


@dataclass(frozen=True)
class Recipient:
    sub: str
    name: str = ""
    email: str | None = None
    phone: str | None = None
    locale: str = "uk"


@dataclass(frozen=True)
class Trigger:
    event_type: str
    model: type[EventModel]
    audience: Audience

    @property
    def topic(self) -> str:
        return self.model.topic

    def variables(self) -> set[str]:
        """What this event's templates may use."""
        return set(self.model.model_fields) | {"tenant"}

    def applies_to(self, data: Mapping[str, Any]) -> bool:
        condition = CONDITIONS.get(self.event_type)
        return condition is None or condition(data)

    def recipient(self, tenant: str, data: Mapping[str, Any]) -> Recipient | None:
        if self.audience == "staff":
            return Recipient(sub=staff_inbox(tenant), name="", locale="uk")
        fields = {"sub": "citizen_sub", "name": "citizen_name", "email": "email", "phone": "phone"}
        fields.update(RECIPIENT_FIELDS.get(self.event_type, {}))
        sub = data.get(fields["sub"])
        if not sub:
            return None
        return Recipient(
            sub=str(sub),
            name=str(data.get(fields["name"]) or ""),
            email=data.get(fields["email"]) or None,
            phone=data.get(fields["phone"]) or None,
            locale=str(data.get("locale") or "uk"),
        )


def audience_of(event_type: str) -> Audience:
    if event_type in STAFF_EVENTS:
        return "staff"
    return "everyone" if event_type in EVERYONE_EVENTS else "citizen"


def build_triggers() -> dict[str, Trigger]:
    registry = event_type_registry()
    return {
        event_type: Trigger(
            event_type,
            registry[event_type],
            audience_of(event_type),
        )
        for event_type in DEFAULT_TEMPLATES
        if event_type in registry
    }


def triggers_by_topic(triggers: Mapping[str, Trigger]) -> dict[str, list[Trigger]]:
    grouped: dict[str, list[Trigger]] = {}
    for trigger in triggers.values():
        grouped.setdefault(trigger.topic, []).append(trigger)
    return grouped
