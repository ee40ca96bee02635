"""Helpers for payments tests on the real stack: read a topic from "now", produce an envelope,
dev tokens, and calls that ride out another engineer restarting a component."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from contracts.envelope import EventEnvelope, EventModel
from tests.stack import env

KAFKA = env("HROMADA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
GATEWAY = env("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
PAYMENTS = "http://127.0.0.1:8105"
SANDBOX = "http://127.0.0.1:8107"


class TopicReader:
    """Envelopes published on a topic after `start()`."""

    def __init__(self, consumer: AIOKafkaConsumer) -> None:
        self.consumer = consumer
        self.seen: list[dict[str, Any]] = []

    async def wait_for(
        self, match: Callable[[dict[str, Any]], bool], timeout_s: float = 60.0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            for envelope in self.seen:
                if match(envelope):
                    return envelope
            if time.monotonic() > deadline:
                raise AssertionError(f"no matching event within {timeout_s}s")
            batches = await self.consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                self.seen += [json.loads(m.value) for m in messages]


@asynccontextmanager
async def reading(topic: str) -> AsyncIterator[TopicReader]:
    consumer = AIOKafkaConsumer(bootstrap_servers=KAFKA, group_id=None, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or {0}
        assigned = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(assigned)
        await consumer.seek_to_end(*assigned)
        for tp in assigned:  # resolve the end offsets now, before the test acts
            await consumer.position(tp)
        yield TopicReader(consumer)
    finally:
        await consumer.stop()


async def publish(event: EventModel, *, tenant: str, subject: str, source: str) -> EventEnvelope:
    envelope = EventEnvelope.wrap(event, source=source, subject=subject, tenant=tenant)
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA)
    await producer.start()
    try:
        await producer.send_and_wait(
            event.topic, envelope.model_dump_json().encode(), key=envelope.key.encode()
        )
    finally:
        await producer.stop()
    return envelope


def token(**claims: Any) -> dict[str, str]:
    response = httpx.post(f"{GATEWAY}/auth/dev/token", json=claims, timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def citizen(sub: str) -> dict[str, str]:
    return token(sub=sub, name="Олена Коваль", roles=["citizen"], acr="substantial")


def official(tenant: str) -> dict[str, str]:
    return token(sub=f"official-{tenant}", name="Посадова особа", roles=["official"], tenant=tenant)


def call(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request, repeated while a component restarts (502/503 or refused)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            response = httpx.request(method, url, timeout=30, **kwargs)
            if response.status_code not in (502, 503) or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


def wait_status(
    base: str, tenant: str, payment_id: str, headers: dict[str, str], status: str
) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        response = call("GET", f"{base}/api/v1/{tenant}/payments/{payment_id}", headers=headers)
        if response.status_code == 200 and response.json()["status"] == status:
            return dict(response.json())
        if time.monotonic() > deadline:
            raise AssertionError(f"payment {payment_id} never became {status}: {response.text}")
        time.sleep(0.25)


def onboard_council(slug: str, **settings: Any) -> str:
    """A fresh council through the platform API (its own data, its own rate limits)."""
    admin = token(sub=f"cdto-{slug}", name="CDTO", roles=["platform_admin"])
    body = {
        "slug": slug,
        "name": {"uk": "Тестова громада", "en": "Test council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": settings,
    }
    response = call("POST", f"{GATEWAY}/api/v1/platform/tenants", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return slug


def pay_at_sandbox(checkout_url: str, result: str = "success") -> dict[str, Any]:
    response = call("POST", checkout_url, json={"result": result})
    assert response.status_code == 200, response.text
    return dict(response.json())
