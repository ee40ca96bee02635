"""The bench harness's own arithmetic: samples -> figures and series, the httpx recording
filter, HTTP framing of the raw GET client, ceilings and targets in the report (no I/O)."""

from __future__ import annotations

import asyncio

import httpx

from bench.rawhttp import _read_answer
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
    assert await _read_answer(reader) == (200, True)
    assert await _read_answer(reader) == (503, False)


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
