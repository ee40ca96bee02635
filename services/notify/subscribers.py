"""Kafka subscriptions of the notify service: thin, each hands the event to one use case."""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from chassis.consumer import IdempotentConsumer
from contracts.appeals import (
    AppealAnswered,
    AppealExtended,
    AppealForwarded,
    AppealRegistered,
    AppealReturned,
)
from contracts.topics import APPEALS_APPEAL
from services.notify.use_cases import NotifyUseCases


def register_subscribers(
    broker: KafkaBroker, db: AsyncDatabase[dict[str, Any]], use_cases: NotifyUseCases
) -> list[IdempotentConsumer]:
    on_appeal_event = IdempotentConsumer(
        "notify",
        APPEALS_APPEAL,
        db,
        broker,
        handlers={
            AppealRegistered.event_type: use_cases.notify_appeal_registered,
            AppealExtended.event_type: use_cases.notify_appeal_extended,
            AppealForwarded.event_type: use_cases.notify_appeal_forwarded,
            AppealReturned.event_type: use_cases.notify_appeal_returned,
            AppealAnswered.event_type: use_cases.notify_appeal_answered,
        },
    )
    on_appeal_event.register()
    return [on_appeal_event]
