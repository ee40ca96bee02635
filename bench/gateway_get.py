"""Authenticated GET of one petition by id, through the gateway and straight to the service.

Onboards a council of its own (per-user limits raised so the limiter is checked on every
request but never refuses: the figure is the read path's cost, not the limit), files and
publishes one petition, mints one citizen token per connection, then GETs
`/api/v1/{tenant}/petitions/{id}` on `--connections` keep-alive connections for `--seconds`
(bench/rawhttp.py), three times:
1. through the gateway at `--rate` requests a second on a fixed schedule (open loop), each
   latency counted from when its request was due: issue #11's target, >= 500 requests/s at
   64 connections with p95 < 100 ms, is judged here, with a 10% margin on the rate (550/s);
2. through the gateway as fast as it answers (closed loop: each connection sends when its last
   request was answered): the most the gateway serves, and the latency at that load (in a
   closed loop at saturation latency is connections / throughput, whatever the server does);
3. the same closed loop direct on the petitions service: the gateway's overhead.

    uv run python bench/gateway_get.py --seconds 20 --connections 64 [--rate 550]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import uuid
from typing import Any

import httpx

from bench.petitions_hot import mint, patiently
from bench.rawhttp import get_load
from bench.sampler import Sampler

GATEWAY = os.environ.get("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
SERVICE = os.environ.get("HROMADA_PETITIONS_URL", "http://127.0.0.1:8102")


async def published_petition(http: httpx.AsyncClient, run_id: str) -> tuple[str, str]:
    """A fresh council with high per-user limits and one collecting petition."""
    tenant = f"bench-get-{run_id}"
    cdto, author, staff = await mint(
        http,
        [
            {"sub": f"cdto-{run_id}", "roles": ["platform_admin"]},
            {"sub": f"author-{run_id}", "name": "Авторка", "roles": ["citizen"], "acr": "high"},
            {"sub": f"admin-{run_id}", "roles": ["tenant_admin"], "tenant": tenant},
        ],
    )
    limits = {"requests_per_minute": 10_000_000, "sensitive_writes_per_minute": 100_000}
    council = {
        "slug": tenant,
        "name": {"uk": "Бенчмарк читання", "en": "Bench reads"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {"rate_limits": limits},
    }

    def bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    r = await patiently(
        http, "POST", "/api/v1/platform/tenants", json=council, headers=bearer(cdto)
    )
    assert r.status_code == 201, r.text
    base = f"/api/v1/{tenant}/petitions"
    body = {"title": f"Читання {run_id}", "text": "Петиція для вимірювання читання."}
    r = await patiently(http, "POST", base, json=body, headers=bearer(author))
    assert r.status_code == 201, r.text
    petition_id = r.json()["id"]
    r = await patiently(http, "POST", f"{base}/{petition_id}/publish", headers=bearer(staff))
    assert r.status_code == 200, r.text
    return tenant, petition_id


async def prepare(connections: int, gateway: str = GATEWAY) -> tuple[str, list[dict[str, str]]]:
    """The petition's path and one citizen's headers per connection."""
    run_id = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=gateway, timeout=30.0) as http:
        tenant, petition_id = await published_petition(http, run_id)
        claims = [
            {"sub": f"reader-{run_id}-{i}", "name": "Читач", "roles": ["citizen"]}
            for i in range(connections)
        ]
        tokens = await mint(http, claims)
    path = f"/api/v1/{tenant}/petitions/{petition_id}"
    return path, [{"Authorization": f"Bearer {t}"} for t in tokens]


RATE = 550.0  # issue #11's 500 requests/s, and 10% more


async def measure(
    base_url: str,
    path: str,
    headers: list[dict[str, str]],
    connections: int,
    seconds: float,
    rate: float | None = None,
) -> Sampler:
    sampler = Sampler(ok=(200,))
    await get_load(base_url + path, headers, connections, seconds, sampler, rate)
    return sampler


async def run(
    seconds: float = 20.0,
    connections: int = 64,
    gateway: str = GATEWAY,
    service: str | None = SERVICE,
    rate: float | None = RATE,
) -> dict[str, Any]:
    """Figures through the gateway at `rate` (None: closed loop only), the most it serves,
    and (unless `service` is None) the same direct on the service."""
    path, headers = await prepare(connections, gateway)
    through = await measure(gateway, path, headers, connections, seconds, rate)
    result: dict[str, Any] = {
        "path": path,
        "connections": connections,
        "offered_per_s": rate,
        **through.figures(),
    }
    result["sampler"] = through
    if rate is not None:
        most = await measure(gateway, path, headers, connections, seconds)
        result["most"] = most.figures()
    if service:
        direct = await measure(service, path, headers, connections, seconds)
        result["direct"] = direct.figures()
        result["direct_sampler"] = direct
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--gateway", default=GATEWAY)
    parser.add_argument("--service", default=SERVICE, help="'' to skip the direct measurement")
    parser.add_argument(
        "--rate", type=float, default=RATE, help="requests a second offered; 0: closed loop only"
    )
    args = parser.parse_args()
    report = asyncio.run(
        run(args.seconds, args.connections, args.gateway, args.service or None, args.rate or None)
    )
    report = {k: v for k, v in report.items() if not k.endswith("sampler")}
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
