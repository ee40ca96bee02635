"""A minimal keep-alive HTTP/1.1 GET load generator on asyncio streams.

Why not httpx here: on a 2-core machine that also runs the gateway and the services, httpx
spends about as much CPU per request as the server does, so a read benchmark would mostly
measure its own client. This sends a fixed request on N persistent connections and reads
answers framed by Content-Length or chunked encoding; that is all a GET benchmark needs.
"""

from __future__ import annotations

import asyncio
import time
from urllib.parse import urlsplit

from bench.sampler import Sampler


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; returns (status, keep-alive)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)  # the chunk and its CRLF
            if size == 0:
                break
    return status, headers.get("connection") != "close"


async def get_load(
    url: str,
    headers: list[dict[str, str]],
    connections: int,
    seconds: float,
    sampler: Sampler,
) -> None:
    """GET `url` on `connections` persistent connections for `seconds`; connection i sends
    headers[i % len(headers)] (distinct users, so per-user rate limits apply as in life)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    stop_at = time.perf_counter() + seconds

    def request(i: int) -> bytes:
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", "Accept: application/json"]
        lines += [f"{k}: {v}" for k, v in headers[i % len(headers)].items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def connection(i: int) -> None:
        payload = request(i)
        writer: asyncio.StreamWriter | None = None
        while time.perf_counter() < stop_at:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                began = time.perf_counter()
                writer.write(payload)
                status, keep = await asyncio.wait_for(_read_answer(reader), 30)
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
