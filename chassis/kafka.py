"""Kafka through FastStream: a broker factory (acks=all, idempotent producer, telemetry), and a
start-up loop that keeps a service serving HTTP while Kafka is away."""

from __future__ import annotations

import asyncio
import logging
import ssl

from faststream.kafka import KafkaBroker
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.security import (
    BaseSecurity,
    SASLPlaintext,
    SASLScram256,
    SASLScram512,
)
from opentelemetry.trace import TracerProvider

from chassis.background import cancelling
from chassis.logging import get_logger
from chassis.settings import ServiceSettings

log = get_logger("chassis.kafka")


SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def kafka_security(settings: ServiceSettings) -> BaseSecurity | None:
    """TLS and the SASL login the settings ask for; None for the local stack's PLAINTEXT.
    A SASL protocol without a username is a deployment mistake, refused at start-up."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    tls = protocol in ("SSL", "SASL_SSL")
    context = ssl.create_default_context(cafile=settings.kafka_ssl_cafile) if tls else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    if not settings.kafka_sasl_username:
        raise ValueError(f"kafka_security_protocol={protocol} needs kafka_sasl_username")
    login = SASL[settings.kafka_sasl_mechanism]
    password = settings.kafka_sasl_password.get_secret_value()
    return login(settings.kafka_sasl_username, password, ssl_context=context, use_ssl=tls)


def create_broker(settings: ServiceSettings, tracer_provider: TracerProvider | None) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap,
        security=kafka_security(settings),
        client_id=settings.service_name,
        acks="all",
        enable_idempotence=True,
        request_timeout_ms=int(settings.kafka_publish_timeout_s * 1000),
        middlewares=[KafkaTelemetryMiddleware(tracer_provider=tracer_provider)],
        logger=logging.getLogger(f"{settings.service_name}.kafka"),
        graceful_timeout=10.0,
    )


async def start_broker_until_up(broker: KafkaBroker, max_backoff_s: float = 10.0) -> None:
    """Start the broker, retrying with backoff: a service accepts requests (and keeps their
    events in its outbox) even when Kafka is down at start-up."""
    backoff = 0.5
    while True:
        try:
            await broker.start()
            log.info("kafka.connected")
            return
        except Exception as exc:  # aiokafka raises several unrelated types while Kafka is away
            if cancelling():
                raise
            log.warning("kafka.unavailable", error=type(exc).__name__, retry_in_s=backoff)
            try:
                await broker.stop()
            except Exception:  # noqa: S110 - a half-started broker may fail to stop; we retry
                pass
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, max_backoff_s)


async def kafka_ready(broker: KafkaBroker) -> bool:
    return bool(await broker.ping(timeout=2.0))
