"""Versioned event contracts: the only code services share about each other."""

from contracts.envelope import EventEnvelope, EventModel, event_type_registry

__all__ = ["EventEnvelope", "EventModel", "event_type_registry"]
