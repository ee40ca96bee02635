"""The one way a service is assembled: infrastructure clients, Litestar app with problem+json,
tracing, request ids, health and OpenAPI, and background tasks tied to the app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from typing import Any

import structlog
from faststream.kafka import KafkaBroker
from litestar import Litestar
from litestar.config.app import AppConfig
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from minio import Minio
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from chassis.auth import JwtVerifier, provide_optional_principal, provide_principal
from chassis.health import HealthController, ReadyCheck
from chassis.kafka import create_broker, kafka_ready, start_broker_until_up
from chassis.logging import configure_logging, get_logger
from chassis.mongo import create_mongo_client
from chassis.problems import EXCEPTION_HANDLERS
from chassis.s3 import create_s3_client
from chassis.settings import ServiceSettings
from chassis.tracing import configure_tracing, shutdown_tracing

log = get_logger("chassis.service")

REQUEST_ID_HEADER = "x-request-id"


class Infrastructure:
    """The clients a service uses, created once in app.py; none connects until first used."""

    def __init__(self, settings: ServiceSettings, *, with_kafka: bool = True) -> None:
        self.settings = settings
        configure_logging(settings.service_name, settings.log_format, settings.log_level)
        self.tracer_provider = configure_tracing(settings.service_name, settings.otlp_endpoint)
        self.mongo: AsyncMongoClient[dict[str, Any]] = create_mongo_client(settings)
        self.db: AsyncDatabase[dict[str, Any]] = self.mongo[settings.database_name]
        self.broker: KafkaBroker | None = (
            create_broker(settings, self.tracer_provider) if with_kafka else None
        )
        self.verifier = JwtVerifier(
            settings.jwks_url,
            settings.jwt_issuer,
            settings.jwt_audience,
            algorithms=settings.jwt_algorithms,
            discover=settings.jwt_discovery,
            acr_map=settings.jwt_acr_map,
        )
        self._s3: Minio | None = None

    @property
    def s3(self) -> Minio:
        if self._s3 is None:
            self._s3 = create_s3_client(self.settings)
        return self._s3

    async def mongo_ready(self) -> bool:
        await self.mongo.admin.command("ping")
        return True

    async def kafka_ready(self) -> bool:
        return self.broker is not None and await kafka_ready(self.broker)

    async def s3_ready(self) -> bool:
        await asyncio.to_thread(self.s3.list_buckets)
        return True


def request_context_middleware(app: ASGIApp) -> ASGIApp:
    """Binds request id and tenant to every log line and echoes the request id back."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        request_id = headers.get(REQUEST_ID_HEADER) or uuid.uuid4().hex
        parts = scope["path"].split("/")
        tenant = parts[3] if len(parts) > 3 and parts[1:3] == ["api", "v1"] else None

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id, tenant=tenant):
            await app(scope, receive, send_with_id)

    return middleware


async def ensure_request_id(message: Message, scope: Scope) -> None:
    """The middleware runs only for matched routes; this covers router 404/405 too."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    if REQUEST_ID_HEADER not in headers:
        incoming = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER.encode())
        headers[REQUEST_ID_HEADER] = incoming.decode("latin-1") if incoming else uuid.uuid4().hex


def create_service_app(
    infra: Infrastructure,
    *,
    title: str,
    route_handlers: Sequence[Any],
    startup: Sequence[Callable[[], Awaitable[None]]] = (),
    background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = (),
    ready_checks: dict[str, ReadyCheck] | None = None,
    dependencies: dict[str, Provide] | None = None,
    extra_state: dict[str, Any] | None = None,
    on_app_init: Sequence[Callable[[AppConfig], AppConfig]] = (),
) -> Litestar:
    settings = infra.settings
    checks: dict[str, ReadyCheck] = {"mongodb": infra.mongo_ready}
    if infra.broker is not None:
        checks["kafka"] = infra.kafka_ready
    checks.update(ready_checks or {})

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        for step in startup:
            await step()
        tasks = []
        if infra.broker is not None:
            tasks.append(asyncio.create_task(start_broker_until_up(infra.broker)))
        tasks += [asyncio.create_task(job()) for job in background]
        log.info("service.started", port=settings.port, env=settings.env)
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if infra.broker is not None:
                await infra.broker.stop()
            await infra.mongo.close()
            shutdown_tracing()

    state = State(
        {
            "jwt_verifier": infra.verifier,
            "ready_checks": checks,
            "reported_only_checks": frozenset({"kafka"}),  # the outbox rides out a bus outage
            **(extra_state or {}),
        }
    )
    return Litestar(
        route_handlers=[HealthController, *route_handlers],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        middleware=[request_context_middleware],
        before_send=[ensure_request_id],
        plugins=[
            OpenTelemetryPlugin(
                OpenTelemetryConfig(
                    tracer_provider=infra.tracer_provider,
                    exclude=["/health", "/metrics"],  # probes every few seconds: no traces
                    # One server span per request, not one more per ASGI message: a proxied
                    # or streamed body would otherwise add a span for every chunk it sends.
                    exclude_spans=["receive", "send"],
                )
            )
        ],
        dependencies={
            "principal": Provide(provide_principal),
            "maybe_principal": Provide(provide_optional_principal),
            **(dependencies or {}),
        },
        state=state,
        on_app_init=list(on_app_init),
        openapi_config=OpenAPIConfig(title=title, version="1.0.0", path="/schema"),
        logging_config=None,
    )
