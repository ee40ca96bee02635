"""The proxy's aiohttp-pooled transport over real sockets: bodies both ways unchanged (framed by
Content-Length or chunked), no cookies kept between callers, the proxy's own body errors raised
as they are, and refused connections and slow answers as the httpx errors the proxy maps."""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn

from gateway.proxy import shared_client_cookie_jar
from gateway.upstream_transport import AiohttpTransport

pytestmark = pytest.mark.integration


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers with what it got; `/slow` waits, `/gzip` sends a compressed body."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    headers = dict(scope["headers"])
    if scope["path"] == "/slow":
        await asyncio.sleep(2)
    answer = b"|".join(
        [body, headers.get(b"cookie", b"-"), headers.get(b"transfer-encoding", b"-")]
    )
    extra: list[tuple[bytes, bytes]] = [(b"set-cookie", b"who=first-caller")]
    if scope["path"] == "/gzip":
        answer = gzip.compress(b"compressed")
        extra.append((b"content-encoding", b"gzip"))
    await send({"type": "http.response.start", "status": 200, "headers": extra})
    await send({"type": "http.response.body", "body": answer})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def service() -> AsyncIterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(echo_app, port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = AiohttpTransport(max_connections=4, connect_timeout_s=1.0, read_timeout_s=0.5)
    # As the proxy builds its clients: this transport under a client that keeps no cookies.
    async with httpx.AsyncClient(transport=transport, cookies=shared_client_cookie_jar()) as http:
        yield http


async def chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_bodies_pass_unchanged_with_either_framing(
    client: httpx.AsyncClient, service: str
) -> None:
    sized = await client.post(f"{service}/x", content=b"hello", headers={"content-length": "5"})
    chunked = await client.post(f"{service}/x", content=chunks(b"he", b"llo"))

    assert sized.content == b"hello|-|-"
    assert chunked.content == b"hello|-|chunked"


async def test_a_cookie_set_for_one_caller_never_reaches_the_next(
    client: httpx.AsyncClient, service: str
) -> None:
    first = await client.get(f"{service}/x")
    second = await client.get(f"{service}/x")

    assert first.headers["set-cookie"] == "who=first-caller"
    assert second.content == b"|-|-"


async def test_a_compressed_answer_is_relayed_compressed(
    client: httpx.AsyncClient, service: str
) -> None:
    request = client.build_request("GET", f"{service}/gzip")
    response = await client.send(request, stream=True)
    raw = b"".join([chunk async for chunk in response.aiter_raw()])
    await response.aclose()

    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == b"compressed"


class BodyRefused(Exception):
    """Stands in for the proxy's size and NUL checks, raised inside the body stream."""


async def test_an_error_raised_inside_the_body_comes_out_as_itself(
    client: httpx.AsyncClient, service: str
) -> None:
    async def refused() -> AsyncIterator[bytes]:
        yield b"part"
        raise BodyRefused

    with pytest.raises(BodyRefused):
        await client.post(f"{service}/x", content=refused())


async def test_refused_and_slow_services_are_the_errors_the_proxy_maps(
    client: httpx.AsyncClient, service: str
) -> None:
    with pytest.raises(httpx.ConnectError):
        await client.get(f"http://127.0.0.1:{free_port()}/x")
    with pytest.raises(httpx.ReadTimeout):
        await client.get(f"{service}/slow")
