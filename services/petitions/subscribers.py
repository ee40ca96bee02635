"""Kafka subscriptions of the petitions service: the council registry's events keep the
service's own copy of each council's settings (threshold, collection days, zone, holidays)."""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker
from pymongo.asynchronous.database import AsyncDatabase

from chassis.consumer import IdempotentConsumer
from chassis.tenant_settings import TenantSettingsReader, subscribe_to_tenant_settings


def register_subscribers(
    broker: KafkaBroker, db: AsyncDatabase[dict[str, Any]], reader: TenantSettingsReader
) -> list[IdempotentConsumer]:
    return [subscribe_to_tenant_settings("petitions", broker, db, reader)]
