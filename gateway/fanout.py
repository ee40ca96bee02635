"""Calls one path on many services at once, each within a short timeout, for the routes the
gateway answers itself (data export and erasure, the dashboard). A service that is down, slow
or without the route is an `Answer` with no body, never an exception: one missing service must
not sink the whole answer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
import structlog
from litestar import Litestar
from litestar.config.app import AppConfig
from opentelemetry import propagate

from chassis.logging import get_logger
from gateway.proxy import shared_client_cookie_jar

log = get_logger("gateway.fanout")

# Enough for a service to read its own database; a hung one must not hold a dashboard longer.
DEFAULT_TIMEOUT_S = 5.0
MAX_CONCURRENT_CALLS = 16


@dataclass(frozen=True)
class Answer:
    """What one service said: status None when it could not be reached or timed out."""

    service: str
    status: int | None
    body: Any = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and isinstance(self.body, dict)

    @property
    def has_no_such_route(self) -> bool:
        return self.status in (404, 405)


class ServiceFanout:
    def __init__(
        self,
        service_urls: dict[str, str],
        timeout_s: float = DEFAULT_TIMEOUT_S,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        # One deployment answers once: a second public name of the same service (`open311`
        # is served by appeals) would only repeat the question under a path it does not serve.
        self.services: dict[str, str] = {}
        for name, url in service_urls.items():
            if url.rstrip("/") not in self.services.values():
                self.services[name] = url.rstrip("/")
        self._timeout = httpx.Timeout(timeout_s)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_CALLS)

    @contextlib.asynccontextmanager
    async def client_lifespan(self, _: Litestar) -> AsyncIterator[None]:
        self._client = httpx.AsyncClient(
            timeout=self._timeout,
            transport=self._transport,
            trust_env=False,
            cookies=shared_client_cookie_jar(),
        )
        try:
            yield
        finally:
            await self._client.aclose()
            self._client = None

    def install(self, config: AppConfig) -> AppConfig:
        """`on_app_init` hook: the client lives as long as the app."""
        config.lifespan = [*config.lifespan, self.client_lifespan]
        return config

    async def call(self, method: str, service: str, path: str, authorization: str) -> Answer:
        if self._client is None:
            raise RuntimeError("the fan-out client opens with the app's lifespan")
        headers = {"authorization": authorization, "accept": "application/json"}
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id:
            headers["x-request-id"] = str(request_id)
        propagate.inject(headers)
        try:
            async with self._slots:
                response = await self._client.request(
                    method, self.services[service] + path, headers=headers
                )
        except httpx.HTTPError as exc:
            log.warning("fanout.failed", upstream=service, error=type(exc).__name__)
            return Answer(service, None, error=type(exc).__name__)
        try:
            body = response.json()
        except ValueError:
            body = None
        return Answer(service, response.status_code, body)

    async def call_each(
        self,
        method: str,
        calls: Iterable[tuple[str, str]],
        authorization: str,
    ) -> list[Answer]:
        """`calls` are (service, path) pairs; answers come back in the same order."""
        return list(
            await asyncio.gather(
                *(self.call(method, service, path, authorization) for service, path in calls)
            )
        )
