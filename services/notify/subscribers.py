"""Kafka subscriptions of the notify service: one idempotent consumer per topic that carries a
trigger (services/notify/triggers.py); each event goes to the one `handle` use case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from chassis.consumer import IdempotentConsumer
from services.notify.triggers import Trigger, triggers_by_topic
from services.notify.use_cases import NotifyUseCases


def register_subscribers(
    broker: KafkaBroker,
    db: AsyncDatabase[dict[str, Any]],
    use_cases: NotifyUseCases,
    triggers: Mapping[str, Trigger],
) -> list[IdempotentConsumer]:
    consumers = []
    for topic, topic_triggers in sorted(triggers_by_topic(triggers).items()):
        consumer = IdempotentConsumer(
            "notify",
            topic,
            db,
            broker,
            handlers={t.event_type: use_cases.handle for t in topic_triggers},
            # One send at a time: a send cut by a crash is resent (same Message-ID), so the
            # sends in flight when the process dies are the duplicates a resident may see;
            # concurrent sends would multiply them (seen in the kill-mid-burst test).
            max_concurrency=1,
        )
        consumer.register()
        consumers.append(consumer)
    return consumers
