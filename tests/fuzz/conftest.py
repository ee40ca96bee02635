"""Fixtures of the fuzz run: the world (tests/fuzz/world.py), the merged OpenAPI document the
gateway serves, and the figures of every run, printed at the end."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fuzz.runner import FuzzFigures
from tests.fuzz.world import FuzzWorld, build_world, retire, wait_until_up
from tests.stack import env

GATEWAY_URL = env("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
# `make test` runs the short form; `make fuzz` sets HROMADA_FUZZ_EXAMPLES higher.
EXAMPLES = int(os.environ.get("HROMADA_FUZZ_EXAMPLES", "4"))
SEED = int(os.environ.get("HROMADA_FUZZ_SEED", "20261123"))
COVERAGE = os.environ.get("HROMADA_FUZZ_COVERAGE", "0") == "1"
TOTAL = FuzzFigures()
# One test each (Open311 is the appeals service's second public name); any other group the
# document holds (a service added later) is fuzzed by one more test, so none is left out.
SERVICES = ("appeals", "petitions", "budget", "queue", "payments", "notify")
GROUPS = ("gateway", *SERVICES, "open311")


@pytest.fixture(scope="session")
def gateway_http() -> Iterator[httpx.Client]:
    with httpx.Client(base_url=GATEWAY_URL, timeout=30.0) as client:
        yield client


@pytest.fixture(scope="session")
def fuzz_world(gateway_http: httpx.Client) -> Iterator[FuzzWorld]:
    world = build_world(gateway_http)
    yield world
    retire(gateway_http, world.tenant)


@pytest.fixture(scope="session")
def merged_openapi(gateway_http: httpx.Client) -> dict[str, Any]:
    deadline = time.monotonic() + 120  # a service may be restarting (shared stack)
    while True:
        wait_until_up(gateway_http)
        document: dict[str, Any] = gateway_http.get("/docs/openapi.json").raise_for_status().json()
        missing = set(document.get("x-unavailable-services") or {}) & set(SERVICES)
        if not missing:
            return document
        assert time.monotonic() < deadline, f"services left out of the merged document: {missing}"
        time.sleep(16)  # the gateway caches the documents for 15 s


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TOTAL.operations:
        return
    line = terminalreporter.write_line
    line(
        f"fuzz: {len(TOTAL.operations)} operations, {TOTAL.examples} examples, "
        f"{TOTAL.requests} requests, {TOTAL.server_errors} server errors, "
        f"{len(TOTAL.failures)} distinct failures (examples per operation: {EXAMPLES}, "
        f"coverage phase: {'on' if COVERAGE else 'off'}, seed {SEED})"
    )
    if TOTAL.tolerated:
        line(f"  tolerated (Litestar's lenient coercion): {len(TOTAL.tolerated)}")
        for key in sorted(TOTAL.tolerated):
            line(f"    {key}")
    for check, count in sorted(TOTAL.by_check().items()):
        line(f"  {check}: {count}")
