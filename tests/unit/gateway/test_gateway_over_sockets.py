"""The proxy over real sockets (uvicorn on random ports, in this process): bodies stream both
ways without buffering, an oversized chunked body is cut off, a silent service becomes a 504."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry import trace

from gateway.app import create_app
from gateway.dev_identity import DevIssuer
from tests.unit.gateway.conftest import (
    BODY_LIMIT,
    FakeTenantDirectory,
    bearer,
    claims,
    make_settings,
)

GUARD_S = 10.0  # a bound so a buffering bug fails the test instead of hanging it


@contextlib.asynccontextmanager
async def serve(app: Any, lifespan: str = "off") -> AsyncIterator[str]:
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan=lifespan,
        log_config=None,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(GUARD_S):
        while not server.started:
            await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class StepwiseService:
    """A service whose steps the test drives with events, to observe streaming as it happens."""

    def __init__(self) -> None:
        self.first_chunk_received = asyncio.Event()
        self.release_second_chunk = asyncio.Event()
        self.received: list[bytes] = []
        self.complete = False
        self.headers: dict[str, str] = {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            if message.get("body"):
                self.received.append(message["body"])
                self.first_chunk_received.set()
            if not message.get("more_body"):
                break
        self.complete = True
        if scope["path"].endswith("/silent"):
            # Never answers; returns only when the gateway gives up and hangs up.
            while (await receive())["type"] != "http.disconnect":
                pass
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first;", "more_body": True})
        await self.release_second_chunk.wait()
        await send({"type": "http.response.body", "body": b"second", "more_body": False})


@pytest.fixture
async def service() -> StepwiseService:
    return StepwiseService()


@pytest.fixture
async def gateway_url(service: StepwiseService, dev_key_file: Path) -> AsyncIterator[str]:
    async with serve(service) as service_url:
        settings = make_settings(dev_key_file, appeals_url=service_url, upstream_read_timeout_s=0.5)
        app = create_app(settings, tenant_directory=FakeTenantDirectory())
        async with serve(app, lifespan="on") as url:
            yield url


async def test_the_response_streams_chunk_by_chunk(
    gateway_url: str, service: StepwiseService
) -> None:
    # httpx is instrumented in this process too, so the caller's span starts the trace.
    with trace.get_tracer("test").start_as_current_span("caller") as caller:
        trace_id = format(caller.get_span_context().trace_id, "032x")
        async with (
            asyncio.timeout(GUARD_S),
            httpx.AsyncClient(base_url=gateway_url) as client,
            client.stream("GET", "/api/v1/chernivtsi/appeals/feed") as response,
        ):
            chunks = response.aiter_raw()
            first = await anext(chunks)
            service.release_second_chunk.set()  # only now may the service finish
            rest = b"".join([chunk async for chunk in chunks])

    assert first + rest == b"first;second"
    assert first == b"first;"
    assert service.headers["traceparent"].split("-")[1] == trace_id


async def test_the_request_body_streams_to_the_service(
    gateway_url: str, service: StepwiseService, issuer: DevIssuer
) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b"a" * 100
        await service.first_chunk_received.wait()  # the service saw it before we sent more
        yield b"b" * 100

    service.release_second_chunk.set()
    async with asyncio.timeout(GUARD_S), httpx.AsyncClient(base_url=gateway_url) as client:
        response = await client.post(
            "/api/v1/chernivtsi/appeals", content=body(), headers=bearer(issuer.sign(claims()))
        )

    assert response.status_code == 200
    assert b"".join(service.received) == b"a" * 100 + b"b" * 100


async def test_an_oversized_chunked_body_is_cut_off_with_413(
    gateway_url: str, service: StepwiseService, issuer: DevIssuer
) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"z" * (BODY_LIMIT // 2 + 1)

    async with asyncio.timeout(GUARD_S), httpx.AsyncClient(base_url=gateway_url) as client:
        response = await client.post(
            "/api/v1/chernivtsi/appeals", content=body(), headers=bearer(issuer.sign(claims()))
        )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert not service.complete
    assert sum(map(len, service.received)) <= BODY_LIMIT


async def test_a_silent_service_is_a_504_not_a_hang(gateway_url: str) -> None:
    async with asyncio.timeout(GUARD_S), httpx.AsyncClient(base_url=gateway_url) as client:
        response = await client.get("/api/v1/chernivtsi/appeals/silent")

    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
