"""The event envelope (CloudEvents 1.0 attributes plus the tenant) and the event model base."""

from __future__ import annotations

import builtins
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field

M = TypeVar("M", bound="EventModel")

_registry: dict[str, type[EventModel]] = {}


class EventModel(BaseModel):
    """Base of every event payload: frozen, and tolerant of fields added by newer producers.

    A breaking change is a new class with a new `v2` type, never an edit of this one.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    topic: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            _registry[cls.event_type] = cls


def event_type_registry() -> dict[str, type[EventModel]]:
    return dict(_registry)


class EventEnvelope(BaseModel):
    """CloudEvents attributes: `type` names the event and its version, `subject` the aggregate."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: str = "1.0"
    id: str = Field(default_factory=lambda: str(uuid.uuid4()), description="Unique event id")
    type: str = Field(description="e.g. appeals.appeal.registered.v1")
    source: str = Field(description="The producing service, e.g. /hromada/appeals")
    subject: str = Field(description="The aggregate id")
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    tenant: str = Field(description="Tenant (council) slug")
    datacontenttype: str = "application/json"
    data: dict[str, Any]

    @property
    def key(self) -> str:
        """Partition key: one aggregate's events stay in order."""
        return f"{self.tenant}:{self.subject}"

    @classmethod
    def wrap(cls, event: EventModel, *, source: str, subject: str, tenant: str) -> EventEnvelope:
        return cls(
            type=event.event_type,
            source=source,
            subject=subject,
            tenant=tenant,
            data=event.model_dump(mode="json"),
        )

    def payload(self, model: builtins.type[M]) -> M:
        return model.model_validate(self.data)
