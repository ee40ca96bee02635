"""Per-request samples for the bench report: when each measured request finished, how long it
took and whether it counted as done. The report turns them into per-second throughput and
latency series (the plots) and into the same percentiles for every scenario.

The existing benches keep their own loops: `recording(sampler, match)` wraps
`httpx.AsyncClient.send` for the length of one scenario and records only the requests that
`match` selects (the measured endpoint on the measured host, not the set-up calls). Clients
that do not use httpx (bench/rawhttp.py) call `Sampler.add` themselves.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of unsorted values (0.0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# Every sampler made in this process, newest last: bench/run.py prints progress from it.
LIVE: list[Sampler] = []
# The (sampler, match) pairs `recording` has active: bench/rawhttp.RawClient feeds them too.
RECORDERS: list[tuple[Sampler, Callable[[Any], bool]]] = []


@dataclass
class Sampler:
    """Samples of one scenario. `ok`: statuses that count as a completed operation; `refused`:
    answers that are the point of the test (the vote over the limit must get a 409), neither
    operations nor errors; anything else is an error."""

    ok: Collection[int] = (200, 201)
    refused: Collection[int] = ()
    samples: list[tuple[float, float, bool]] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    refusals: int = 0

    def __post_init__(self) -> None:
        LIVE.append(self)

    def add(self, latency_s: float, status: int) -> None:
        if status in self.refused:
            self.refusals += 1
            return
        good = status in self.ok
        self.samples.append((time.perf_counter(), latency_s, good))
        if not good:
            self.errors[str(status)] = self.errors.get(str(status), 0) + 1

    def failed(self, reason: str) -> None:
        """A request that got no answer (refused connection, timeout)."""
        self.samples.append((time.perf_counter(), 0.0, False))
        self.errors[reason] = self.errors.get(reason, 0) + 1

    def figures(self) -> dict[str, Any]:
        """ops (completed), ops/s over the span from the first to the last sample, latency
        percentiles of the completed operations, errors."""
        done = [s for s in self.samples if s[2]]
        if not self.samples:
            return {
                "ops": 0,
                "ops_per_s": 0.0,
                "p50_ms": 0.0,
                "p95_ms": 0.0,
                "p99_ms": 0.0,
                "errors": 0,
                "error_kinds": {},
                "seconds": 0.0,
            }
        first = min(s[0] - s[1] for s in self.samples)
        span = max(s[0] for s in self.samples) - first
        latencies = [s[1] for s in done]
        return {
            "ops": len(done),
            "ops_per_s": round(len(done) / span, 1) if span > 0 else 0.0,
            "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
            "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "refused_as_expected": self.refusals,
            "seconds": round(span, 1),
        }

    def series(self) -> list[dict[str, float]]:
        """One point per second since the first sample: completed ops, errors, p50/p95 ms."""
        if not self.samples:
            return []
        first = min(s[0] - s[1] for s in self.samples)
        buckets: dict[int, list[tuple[float, float, bool]]] = {}
        for sample in self.samples:
            buckets.setdefault(int(sample[0] - first), []).append(sample)
        points = []
        for second in range(max(buckets) + 1):
            bucket = buckets.get(second, [])
            latencies = [s[1] * 1000 for s in bucket if s[2]]
            points.append(
                {
                    "t": second,
                    "ops": len(latencies),
                    "errors": len(bucket) - len(latencies),
                    "p50_ms": round(percentile(latencies, 0.50), 1),
                    "p95_ms": round(percentile(latencies, 0.95), 1),
                }
            )
        return points


def path_match(method: str, base_url: str, path_part: str) -> Callable[[httpx.Request], bool]:
    """Requests of `method` to `base_url` whose path contains `path_part`."""
    base = httpx.URL(base_url)

    def match(request: httpx.Request) -> bool:
        url = request.url
        return (
            request.method == method
            and url.host == base.host
            and url.port == base.port
            and path_part in url.path
        )

    return match


@contextlib.contextmanager
def recording(sampler: Sampler, match: Callable[[httpx.Request], bool]) -> Iterator[Sampler]:
    """Record every httpx request `match` selects into `sampler` while the block runs."""
    original = httpx.AsyncClient.send

    async def send(self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> Any:
        if not match(request):
            return await original(self, request, **kwargs)
        began = time.perf_counter()
        try:
            response = await original(self, request, **kwargs)
        except httpx.HTTPError as exc:
            sampler.failed(type(exc).__name__)
            raise
        sampler.add(time.perf_counter() - began, response.status_code)
        return response

    httpx.AsyncClient.send = send  # type: ignore[method-assign]
    RECORDERS.append((sampler, match))
    try:
        yield sampler
    finally:
        httpx.AsyncClient.send = original  # type: ignore[method-assign]
        RECORDERS.remove((sampler, match))
