"""A minimal keep-alive HTTP/1.1 load client on asyncio streams: `get_load` for a fixed GET
on N connections, and `RawClient` (one connection, any method, a JSON body) for the write
benches' measured requests.

Why not httpx for the measured requests: on a 2-core machine that also runs the gateway and the
services, httpx spends about as much CPU per request as the server does (measured: the
petition bench's client took half a core, more than the gateway), so a benchmark would mostly
measure its own client. This sends requests on persistent connections and reads answers
framed by Content-Length or chunked encoding; that is all a benchmark needs. Set-up calls keep
httpx. `make bench` records RawClient requests like httpx ones (bench/sampler.py `recording`).
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from bench.sampler import RECORDERS, Sampler


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool, bytes]:
    """Read one response; returns (status, keep-alive, body)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
    body = b""
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        chunks = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunks.append((await reader.readexactly(size + 2))[:-2])  # the chunk, not its CRLF
            if size == 0:
                break
        body = b"".join(chunks)
    return status, headers.get("connection") != "close", body


async def get_load(
    url: str,
    headers: list[dict[str, str]],
    connections: int,
    seconds: float,
    sampler: Sampler,
    rate: float | None = None,
) -> None:
    """GET `url` on `connections` persistent connections for `seconds`; connection i sends
    headers[i % len(headers)] (distinct users, so per-user rate limits apply as in life).

    rate None: each connection sends its next request when the last is answered (closed loop:
    the most the server gives, at whatever latency). rate R: `R` requests a second in all, on a
    fixed schedule spread over the connections (open loop, as users arrive), each latency
    counted from when its request was due to be sent; a connection that falls behind sends at
    once and the wait counts (no coordinated omission: a stalled server cannot hide its
    stall by slowing the load down)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    stop_at = time.perf_counter() + seconds

    def request(i: int) -> bytes:
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
        lines += [f"{k}: {v}" for k, v in headers[i % len(headers)].items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    started = time.perf_counter()

    async def connection(i: int) -> None:
        payload = request(i)
        writer: asyncio.StreamWriter | None = None
        sent = 0
        while time.perf_counter() < stop_at:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                began = time.perf_counter()
                if rate is not None:
                    due = started + (sent * connections + i) / rate
                    sent += 1
                    if due >= stop_at:
                        break
                    if due > began:
                        await asyncio.sleep(due - began)
                    began = due
                writer.write(payload)
                status, keep, _ = await asyncio.wait_for(_read_answer(reader), 30)
                sampler.add(time.perf_counter() - began, status)
                if not keep:
                    writer.close()
                    writer = None
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
                sampler.failed(type(exc).__name__)
                if writer is not None:
                    writer.close()
                writer = None
                await asyncio.sleep(0.2)  # a restarting server: don't spin
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection(i) for i in range(connections)))


class TransportError(Exception):
    """No answer: the connection was refused, dropped or timed out."""


@dataclass
class RawResponse:
    status_code: int
    content: bytes

    def json(self) -> Any:
        return jsonlib.loads(self.content)

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class RawClient:
    """One persistent HTTP/1.1 connection to `base_url`, reopened after a failure. Requests
    on one client go one after another (one client per concurrent worker)."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(
        self, path: str, json: Any = None, headers: dict[str, str] | None = None
    ) -> RawResponse:
        return await self.request("POST", path, json=json, headers=headers)

    async def request(
        self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None
    ) -> RawResponse:
        body = b"" if json is None else jsonlib.dumps(json).encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Accept: application/json",
            f"Content-Length: {len(body)}",
        ]
        if json is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        began = time.perf_counter()
        try:
            if self._streams is None:
                self._streams = await asyncio.open_connection(self.host, self.port)
            reader, writer = self._streams
            writer.write(payload)
            status, keep, content = await asyncio.wait_for(_read_answer(reader), self.timeout)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as exc:
            await self.aclose()
            self._record(method, path, headers, time.perf_counter() - began, None, exc)
            raise TransportError(type(exc).__name__) from exc
        if not keep:
            await self.aclose()
        self._record(method, path, headers, time.perf_counter() - began, status, None)
        return RawResponse(status, content)

    def _record(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None,
        latency_s: float,
        status: int | None,
        error: Exception | None,
    ) -> None:
        """Feed `make bench`'s samplers; the matchers read what they read of an httpx.Request."""
        if not RECORDERS:
            return
        request = SimpleNamespace(
            method=method,
            url=SimpleNamespace(host=self.host, port=self.port, path=path.split("?")[0]),
            headers={k.lower(): v for k, v in (headers or {}).items()},
        )
        for sampler, match in RECORDERS:
            if match(request):
                if status is None:
                    sampler.failed(type(error).__name__)
                else:
                    sampler.add(latency_s, status)

    async def aclose(self) -> None:
        if self._streams is not None:
            self._streams[1].close()
            self._streams = None
