"""The bench harness's own arithmetic: samples -> figures and series, the httpx recording
filter, HTTP framing of the raw client, ceilings and targets in the report (no I/O but one
loopback socket for the raw client's round trip)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from bench.rawhttp import RawClient, TransportError, _read_answer
from bench.report import with_ceiling
from bench.sampler import Sampler, path_match, percentile, recording


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.50) == 51.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([], 0.99) == 0.0


def test_figures_count_ok_as_ops_refusals_apart_and_the_rest_as_errors() -> None:
    sampler = Sampler(ok=(201,), refused=(409,))
    for status in (201, 201, 201, 409, 503):
        sampler.add(0.010, status)
    sampler.failed("ConnectError")
    figures = sampler.figures()
    assert figures["ops"] == 3
    assert figures["refused_as_expected"] == 1
    assert figures["errors"] == 2
    assert figures["error_kinds"] == {"503": 1, "ConnectError": 1}
    assert figures["p50_ms"] == 10.0


def test_series_has_a_point_for_every_second_even_an_empty_one() -> None:
    sampler = Sampler(ok=(200,))
    sampler.samples = [(100.0, 0.5, True), (100.6, 0.1, True), (102.7, 0.2, False)]
    series = sampler.series()
    assert [p["t"] for p in series] == [0, 1, 2, 3]
    assert [p["ops"] for p in series] == [1, 1, 0, 0]  # first request sent at 99.5
    assert series[3]["errors"] == 1


async def test_recording_times_only_the_matching_requests() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(201))
    sampler = Sampler(ok=(201,))
    match = path_match("POST", "http://gw:8000", "/signatures")
    async with httpx.AsyncClient(transport=transport, base_url="http://gw:8000") as http:
        with recording(sampler, match):
            await http.post("/api/v1/t/petitions/p/signatures")
            await http.post("/auth/dev/token")  # set-up: not measured
            await http.get("/api/v1/t/petitions/p/signatures")
        await http.post("/api/v1/t/petitions/p/signatures")  # after the block: not measured
    assert sampler.figures()["ops"] == 1


async def test_raw_client_reads_content_length_and_chunked_answers() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    reader.feed_data(
        b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    )
    assert await _read_answer(reader) == (200, True, b"ok")
    assert await _read_answer(reader) == (503, False, b"abc")


async def test_raw_client_posts_json_and_make_bench_records_it() -> None:
    received: list[bytes] = []

    async def server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        received.append(head + await reader.readexactly(length))
        writer.write(b'HTTP/1.1 201 Created\r\nContent-Length: 11\r\n\r\n{"id": "x"}')
        await writer.drain()
        writer.close()

    listener = await asyncio.start_server(server, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    sampler = Sampler(ok=(201,))
    client = RawClient(f"http://127.0.0.1:{port}")
    try:
        with recording(sampler, path_match("POST", f"http://127.0.0.1:{port}", "/votes")):
            r = await client.post("/c/votes", json={"project_id": "p"}, headers={"X-A": "1"})
    finally:
        await client.aclose()
        listener.close()
    assert (r.status_code, r.json()) == (201, {"id": "x"})
    head, _, body = received[0].partition(b"\r\n\r\n")
    assert head.startswith(b"POST /c/votes HTTP/1.1") and b"X-A: 1" in head
    assert json.loads(body) == {"project_id": "p"}
    assert sampler.figures()["ops"] == 1


async def test_raw_client_turns_a_refused_connection_into_a_transport_error() -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()
    sampler = Sampler(ok=(201,))
    client = RawClient(f"http://127.0.0.1:{port}")
    match = path_match("POST", f"http://127.0.0.1:{port}", "/votes")
    with recording(sampler, match), pytest.raises(TransportError):
        await client.post("/votes", json={})
    assert sampler.figures()["errors"] == 1


def test_ratio_is_against_the_scenario_own_ceiling_when_it_has_one() -> None:
    ceilings = {"mongo_insert": {"ops_per_s": 1000.0}}
    write = with_ceiling({"ops_per_s": 250.0, "ceiling": "mongo_insert"}, ceilings)
    assert (write["ceiling_ops_per_s"], write["ratio"]) == (1000.0, 0.25)
    read = with_ceiling(
        {"ops_per_s": 80.0, "ceiling": "service_get", "ceiling_figures": {"ops_per_s": 160.0}},
        ceilings,
    )
    assert read["ratio"] == 0.5
    missing = with_ceiling({"ops_per_s": 1.0, "ceiling": "kafka_produce"}, ceilings)
    assert missing["ratio"] is None
