"""One hot petition signed by distinct citizens through the gateway (issue #5).

Onboards a fresh council (its own rate limits, a threshold no run can reach), files and
publishes one petition, mints one token per citizen up front (`POST /auth/dev/token`), then
signs with `--concurrency` clients for `--duration` seconds. Prints signatures/s, latency
p50/p95/p99, errors, duplicates, the stored count against a recount 2 s after the load
stops, and, in the same run, the direct database insert rate (PyMongo `insert_one` of
similar documents for ~5 s) as the ceiling; and, to show where the time goes, the same
signing straight to the service (no gateway) for `--service-seconds`. Needs the running suite
(`make up`). Distinct citizens sign once each, so the gateway's per-user limits never apply.

    uv run python bench/petitions_hot.py --duration 60 --concurrency 64
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import uvloop
from pymongo import ASCENDING, AsyncMongoClient

from bench.rawhttp import RawClient, TransportError
from bench.sampler import percentile

GATEWAY = os.environ.get("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
SERVICE = os.environ.get("HROMADA_PETITIONS_URL", "http://127.0.0.1:8102")
MONGO = os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
DB = "hromada_petitions"


async def patiently(
    http: httpx.AsyncClient, method: str, url: str, **kwargs: Any
) -> httpx.Response:
    """Set-up calls ride out another engineer restarting the gateway (refused, 502, 503)."""
    deadline = time.monotonic() + 90
    while True:
        try:
            response = await http.request(method, url, **kwargs)
            if response.status_code not in (502, 503) or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        await asyncio.sleep(1.0)


async def mint(
    http: httpx.AsyncClient, claims: list[dict[str, Any]], workers: int = 16
) -> list[str]:
    tokens: list[str] = [""] * len(claims)
    todo = iter(range(len(claims)))

    async def worker() -> None:
        for i in todo:
            r = await patiently(http, "POST", "/auth/dev/token", json=claims[i])
            r.raise_for_status()
            tokens[i] = r.json()["access_token"]

    await asyncio.gather(*(worker() for _ in range(workers)))
    return tokens


async def set_up(http: httpx.AsyncClient, run_id: str) -> tuple[str, str]:
    """A fresh council and one published petition; returns (tenant, petition id)."""
    tenant = f"bench-{run_id}"
    admin, author, staff = await mint(
        http,
        [
            {"sub": f"cdto-{run_id}", "roles": ["platform_admin"]},
            {"sub": f"author-{run_id}", "name": "Авторка", "roles": ["citizen"], "acr": "high"},
            {"sub": f"admin-{run_id}", "roles": ["tenant_admin"], "tenant": tenant},
        ],
    )
    council = {
        "slug": tenant,
        "name": {"uk": "Бенчмарк рада", "en": "Bench council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {"rate_limits": {"sensitive_writes_per_minute": 100_000}},
    }
    bearer = lambda t: {"Authorization": f"Bearer {t}"}  # noqa: E731
    r = await patiently(
        http, "POST", "/api/v1/platform/tenants", json=council, headers=bearer(admin)
    )
    assert r.status_code == 201, r.text
    base = f"/api/v1/{tenant}/petitions"
    # A threshold no run reaches, so the petition keeps collecting the whole run.
    r = await patiently(
        http, "PUT", f"{base}/settings", json={"threshold": 10_000_000}, headers=bearer(staff)
    )
    assert r.status_code == 200, r.text
    body = {"title": f"Гаряча петиція {run_id}", "text": "Петиція для вимірювання навантаження."}
    r = await patiently(http, "POST", base, json=body, headers=bearer(author))
    assert r.status_code == 201, r.text
    petition_id = r.json()["id"]
    r = await patiently(http, "POST", f"{base}/{petition_id}/publish", headers=bearer(staff))
    assert r.status_code == 200, r.text
    return tenant, petition_id


async def sign_for(
    base_url: str, path: str, tokens: list[str], concurrency: int, duration: float
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    accepted = 0
    todo = iter(tokens)
    stop_at = time.perf_counter() + duration

    async def worker() -> None:
        nonlocal accepted
        # One connection per worker on the lean client (bench/rawhttp.py): httpx took half a
        # core of this 2-core machine, more than the gateway it was measuring.
        http = RawClient(base_url)
        try:
            for token in todo:
                if time.perf_counter() >= stop_at:
                    return
                start = time.perf_counter()
                try:
                    r = await http.post(path, headers={"Authorization": f"Bearer {token}"})
                except TransportError as exc:
                    errors[str(exc)] = errors.get(str(exc), 0) + 1
                    await asyncio.sleep(0.5)  # the gateway restarting: don't burn every token
                    continue
                latencies.append(time.perf_counter() - start)
                if r.status_code == 201:
                    accepted += 1
                else:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
        finally:
            await http.aclose()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    return {
        "elapsed_s": round(elapsed, 1),
        "accepted": accepted,
        "signatures_per_s": round(accepted / elapsed, 1),
        "ran_out_of_tokens": next(todo, None) is None,
        "errors": errors,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1),
        }
        if latencies
        else {},
    }


async def direct_insert_rate(
    mongo: AsyncMongoClient[dict[str, Any]], seconds: float, concurrency: int
) -> float:
    """The ceiling: PyMongo inserts of signature-like documents, no HTTP in between."""
    scratch = mongo[DB][f"bench_ceiling_{uuid.uuid4().hex[:8]}"]
    await scratch.create_index(
        [("tenant", ASCENDING), ("petition_id", ASCENDING), ("slot", ASCENDING)]
    )
    done = 0
    stop_at = time.perf_counter() + seconds

    async def writer() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            now = datetime.now(UTC)
            sub = uuid.uuid4().hex
            await scratch.insert_one(
                {
                    "_id": f"bench:p:{sub}",
                    "tenant": "bench",
                    "petition_id": "p",
                    "sub": sub,
                    "name": "Бенч Тестовий",
                    "residence": None,
                    "acr": "substantial",
                    "signed_at": now,
                    "slot": int(now.timestamp()),
                }
            )
            done += 1

    began = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(concurrency)))
    rate = done / (time.perf_counter() - began)
    await scratch.drop()
    return round(rate, 1)


async def run(
    duration: float = 60.0,
    concurrency: int = 64,
    max_rate: int = 450,
    ceiling_s: float = 5.0,
    settle_s: float = 2.0,
    service_s: float = 10.0,
) -> dict[str, Any]:
    """The gateway phase (the figures of issue #5), the count check `settle_s` after it, then
    where the time goes: the same signing straight to the service for `service_s` (no gateway),
    and PyMongo inserts for `ceiling_s` (no HTTP at all)."""
    run_id = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=GATEWAY, timeout=30.0) as http:
        tenant, petition_id = await set_up(http, run_id)
        citizens = int(max_rate * (duration + service_s))
        minted_at = time.perf_counter()
        claims = [
            {
                "sub": f"signer-{run_id}-{i}",
                "name": "Підписант",
                "roles": ["citizen"],
                "acr": "substantial",
            }
            for i in range(citizens)
        ]
        tokens = await mint(http, claims)
        mint_s = time.perf_counter() - minted_at
        path = f"/api/v1/{tenant}/petitions/{petition_id}/signatures"
        split = int(max_rate * duration)
        load = await sign_for(GATEWAY, path, tokens[:split], concurrency, duration)
        await asyncio.sleep(settle_s)
        r = await patiently(http, "GET", f"/api/v1/{tenant}/petitions/{petition_id}")
        shown = r.json()["signature_count"]
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(MONGO)
    try:
        signatures = mongo[DB]["signatures"]
        query = {"tenant": tenant, "petition_id": petition_id}
        recount = await signatures.count_documents(query)
        direct = (
            await sign_for(SERVICE, path, tokens[split:], concurrency, service_s)
            if service_s > 0
            else None
        )
        ceiling = await direct_insert_rate(mongo, ceiling_s, concurrency)
    finally:
        await mongo.close()
    expected = load["accepted"] + 1  # plus the author's own signature
    return {
        "tenant": tenant,
        "petition_id": petition_id,
        "duration_s": duration,
        "concurrency": concurrency,
        "tokens_minted": citizens,
        "token_minting_s": round(mint_s, 1),
        **load,
        "duplicates": max(0, recount - expected),
        "missing": max(0, expected - recount),
        f"count_after_{settle_s:g}s": shown,
        "recount": recount,
        "count_equals_recount": shown == recount,
        "without_gateway": {
            "signatures_per_s": direct["signatures_per_s"],
            "latency_ms": direct["latency_ms"],
            "errors": direct["errors"],
        }
        if direct
        else None,
        "direct_db_insert_per_s": ceiling,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--max-rate", type=int, default=450, help="citizens (tokens) per second of load"
    )
    parser.add_argument("--ceiling-seconds", type=float, default=5.0)
    parser.add_argument(
        "--service-seconds", type=float, default=10.0, help="signing without the gateway; 0: skip"
    )
    args = parser.parse_args()
    report = uvloop.run(
        run(
            args.duration,
            args.concurrency,
            args.max_rate,
            args.ceiling_seconds,
            service_s=args.service_seconds,
        )
    )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
