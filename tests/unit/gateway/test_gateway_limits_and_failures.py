"""Edge limits and failing services: oversized bodies stop at the gateway (413), and a service
that is down, slow or broken becomes a prompt 503, 504 or 502 problem instead of a hang."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient, TestClient

from chassis.problems import PROBLEM_MEDIA_TYPE
from gateway.dev_identity import DevIssuer
from gateway.settings import GatewaySettings
from tests.unit.gateway.conftest import (
    BODY_LIMIT,
    FakeUpstream,
    bearer,
    build_gateway,
    claims,
)

PATH = "/api/v1/chernivtsi/appeals"


def assert_problem(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.json()["status"] == status


async def test_a_body_within_the_limit_is_forwarded_whole(
    gateway: AsyncTestClient[Any], upstream: FakeUpstream, issuer: DevIssuer
) -> None:
    body = b"x" * BODY_LIMIT

    response = await gateway.post(PATH, content=body, headers=bearer(issuer.sign(claims())))

    assert response.status_code == 200
    assert upstream.calls[0].body == body
    assert upstream.calls[0].header("content-length") == str(BODY_LIMIT)


async def test_a_declared_length_over_the_limit_is_413_before_forwarding(
    gateway: AsyncTestClient[Any], upstream: FakeUpstream, issuer: DevIssuer
) -> None:
    response = await gateway.post(
        PATH, content=b"x" * (BODY_LIMIT + 1), headers=bearer(issuer.sign(claims()))
    )

    assert_problem(response, 413)
    assert upstream.calls == []


def test_a_chunked_body_over_the_limit_is_413_and_never_complete_upstream(
    dev_key_file: Path, issuer: DevIssuer
) -> None:
    upstream = FakeUpstream()
    chunks = (b"y" * 300 for _ in range(5))  # no Content-Length: counted while streaming

    with TestClient(build_gateway(dev_key_file, upstream)) as client:
        response = client.post(PATH, content=chunks, headers=bearer(issuer.sign(claims())))

    assert_problem(response, 413)
    assert [call.complete for call in upstream.calls] == [False]


async def test_a_malformed_content_length_is_400(
    gateway: AsyncTestClient[Any], issuer: DevIssuer
) -> None:
    headers = {**bearer(issuer.sign(claims())), "content-length": "12abc"}

    response = await gateway.post(PATH, content=b"", headers=headers)

    assert response.status_code == 400


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_service_that_is_down_is_503(dev_key_file: Path) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    app = build_gateway(dev_key_file, httpx.AsyncHTTPTransport(), appeals_url=down)

    async with AsyncTestClient(app) as client:
        response = await client.get(PATH)

    assert_problem(response, 503)


def failing_transport(error: type[httpx.TransportError]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (httpx.ConnectTimeout, 503),
        (httpx.PoolTimeout, 503),
        (httpx.ReadTimeout, 504),
        (httpx.WriteTimeout, 504),
        (httpx.RemoteProtocolError, 502),
    ],
)
async def test_service_failures_map_to_problems(
    dev_key_file: Path, error: type[httpx.TransportError], status: int
) -> None:
    app = build_gateway(dev_key_file, failing_transport(error))

    async with AsyncTestClient(app) as client:
        response = await client.get(PATH)

    assert_problem(response, status)
    assert "simulated" not in response.text  # nothing internal leaks


def test_timeouts_and_limits_default_to_the_documented_values() -> None:
    defaults = {name: f.default for name, f in GatewaySettings.model_fields.items()}

    assert defaults["upstream_connect_timeout_s"] == 2.0
    assert defaults["upstream_read_timeout_s"] == 15.0
    assert defaults["max_body_bytes"] == 1024 * 1024
