"""`/health/live`, `/health/ready` (each dependency checked with a bound) and `/metrics`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from chassis.tracing import untraced

ReadyCheck = Callable[[], Awaitable[bool]]


async def _run_check(check: ReadyCheck, timeout_s: float) -> bool:
    try:
        with untraced():  # probes are not worth a trace each
            return bool(await asyncio.wait_for(check(), timeout=timeout_s))
    except Exception:
        return False


class HealthController(Controller):
    """Probes for Kubernetes and the local stack; excluded from the API schema."""

    path = ""
    include_in_schema = False

    @get("/health/live", sync_to_thread=False)
    def live(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/health/ready")
    async def ready(self, state: State) -> Response[dict[str, Any]]:
        """503 only when a dependency the app cannot serve without is down. Kafka is reported
        but does not gate: every write keeps its events in the outbox until Kafka is back, so
        pulling every pod (the gateway too) out of its Service would turn a bus outage into a
        whole-suite outage for no gain."""
        checks: dict[str, ReadyCheck] = state.ready_checks
        reported_only: frozenset[str] = state.get("reported_only_checks", frozenset())
        names = list(checks)
        results = await asyncio.gather(*(_run_check(checks[n], 2.5) for n in names))
        report = dict(zip(names, results, strict=True))
        serving = all(ok for name, ok in report.items() if name not in reported_only)
        return Response(
            {"status": "ok" if all(results) else "degraded", "checks": report},
            status_code=200 if serving else 503,
        )

    @get("/metrics", sync_to_thread=False)
    def metrics(self) -> Response[bytes]:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
