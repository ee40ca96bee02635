"""ASC bookings through the gateway: many distinct citizens booking across many slots for a
fixed time, then the slot race (N citizens on one single-window slot -> exactly one wins).

Prints bookings/s, latency percentiles, errors, over-booked slots (must be 0) and the race's
outcome. Creates its own offices (open round the clock, `--windows` windows each) in
`--tenant`, so it never competes with anyone's data. Needs the running suite (`make up`).

    uv run python bench/queue_bookings.py --seconds 40 --clients 32
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import uvloop

from bench.rawhttp import RawClient, TransportError
from bench.sampler import percentile

SERVICE = "residence-registration"  # 15 minutes: one grid cell per booking
ALL_DAY = {"opens": "00:00", "closes": "24:00"}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


async def patiently(call: Any) -> httpx.Response:
    """A setup request, repeated while the stack says "not now" (a component restarting)."""
    for _ in range(30):
        r = await call()
        if r.status_code not in (429, 502, 503):
            break
        await asyncio.sleep(1.0)
    r.raise_for_status()
    return r


async def token(http: httpx.AsyncClient, claims: dict[str, Any]) -> str:
    r = await http.post("/auth/dev/token", json=claims)
    r.raise_for_status()
    return str(r.json()["access_token"])


async def tokens_for(http: httpx.AsyncClient, subs: list[str]) -> list[str]:
    minted: list[str] = []
    for i in range(0, len(subs), 50):
        minted += await asyncio.gather(
            *(
                token(http, {"sub": s, "name": "Бенч Тестовий", "roles": ["citizen"]})
                for s in subs[i : i + 50]
            )
        )
    return minted


async def make_office(http: httpx.AsyncClient, tenant: str, admin: str, windows: int) -> str:
    oid = f"bench-{uuid.uuid4().hex[:10]}"
    body = {
        "id": oid,
        "kind": "stationary",
        "name": {"uk": f"Бенч {oid}"},
        "windows": [{"number": n, "services": [SERVICE]} for n in range(1, windows + 1)],
        "hours": dict.fromkeys(DAYS, ALL_DAY),
    }
    await patiently(
        lambda: http.put(
            f"/api/v1/{tenant}/queue/offices/{oid}",
            json=body,
            headers={"Authorization": f"Bearer {admin}"},
        )
    )
    return oid


async def retire_office(
    http: httpx.AsyncClient, tenant: str, admin: str, oid: str, windows: int
) -> None:
    body = {
        "id": oid,
        "kind": "stationary",
        "name": {"uk": f"Бенч {oid}"},
        "windows": [{"number": n, "services": [SERVICE]} for n in range(1, windows + 1)],
        "active": False,
    }
    path, headers = f"/api/v1/{tenant}/queue/offices/{oid}", {"Authorization": f"Bearer {admin}"}
    await patiently(lambda: http.put(path, json=body, headers=headers))


async def slot_starts(http: httpx.AsyncClient, tenant: str, oid: str, day: str) -> list[str]:
    r = await patiently(
        lambda: http.get(
            f"/api/v1/{tenant}/queue/offices/{oid}/slots",
            params={"service": SERVICE, "date": day},
        )
    )
    return [s["start"] for s in r.json()["items"]]


async def slot_race(http: httpx.AsyncClient, tenant: str, admin: str, racers: int) -> dict:
    oid = await make_office(http, tenant, admin, windows=1)
    tomorrow = (datetime.now(ZoneInfo("Europe/Kyiv")) + timedelta(days=1)).date().isoformat()
    start = (await slot_starts(http, tenant, oid, tomorrow))[0]
    subs = [f"race-{uuid.uuid4().hex[:10]}" for _ in range(racers)]
    tokens = await tokens_for(http, subs)
    body = {"office_id": oid, "service_code": SERVICE, "start": start}
    answers = await asyncio.gather(
        *(
            http.post(
                f"/api/v1/{tenant}/queue/bookings",
                json=body,
                headers={"Authorization": f"Bearer {t}"},
            )
            for t in tokens
        )
    )
    codes = Counter(a.status_code for a in answers)
    await retire_office(http, tenant, admin, oid, 1)
    return {
        "racers": racers,
        "capacity": 1,
        "succeeded": codes.get(201, 0),
        "refused_409": codes.get(409, 0),
        "other": {str(k): v for k, v in codes.items() if k not in (201, 409)},
        "correct": codes.get(201, 0) == 1,
    }


async def run(
    gateway: str = "http://127.0.0.1:8000",
    tenant: str = "kamianske",
    seconds: float = 40.0,
    clients: int = 32,
    offices: int = 4,
    windows: int = 10,
    racers: int = 50,
    direct: str | None = None,
) -> dict:
    """`direct`: send the bookings to this queue URL instead of the gateway (for comparison;
    tokens still come from the gateway's dev issuer)."""
    limits = httpx.Limits(max_connections=clients + racers + 10)
    async with httpx.AsyncClient(base_url=gateway, timeout=60.0, limits=limits) as http:
        claims = {"sub": "bench-admin", "name": "Бенч", "roles": ["tenant_admin"], "tenant": tenant}
        admin = await token(http, claims)
        office_ids = [await make_office(http, tenant, admin, windows) for _ in range(offices)]
        today = datetime.now(ZoneInfo("Europe/Kyiv")).date()
        targets: list[tuple[str, str]] = []
        for day in (today + timedelta(days=d) for d in range(1, 4)):
            for oid in office_ids:
                for start in await slot_starts(http, tenant, oid, day.isoformat()):
                    targets += [(oid, start)] * windows  # exactly the capacity
        random.shuffle(targets)
        # Enough citizens that none meets the monthly limit (4) or 20 bookings a minute.
        needed = min(len(targets), int(seconds * 250)) // 3 + clients
        subs = [f"bench-q-{uuid.uuid4().hex[:10]}" for _ in range(needed)]
        tokens = await tokens_for(http, subs)
        latencies: list[float] = []
        errors: Counter[str] = Counter()
        booked: Counter[tuple[str, str]] = Counter()
        work = iter(enumerate(targets))
        stop_at = time.perf_counter() + seconds

        async def client() -> None:
            # One connection per client on the lean client (bench/rawhttp.py): httpx would
            # spend as much of this 2-core machine as the gateway it measures.
            lean = RawClient(direct or gateway)
            try:
                for n, (oid, start) in work:
                    if time.perf_counter() > stop_at:
                        return
                    headers = {"Authorization": f"Bearer {tokens[n // 3 % len(tokens)]}"}
                    body = {"office_id": oid, "service_code": SERVICE, "start": start}
                    began = time.perf_counter()
                    try:
                        r = await lean.post(
                            f"/api/v1/{tenant}/queue/bookings", json=body, headers=headers
                        )
                    except TransportError as exc:
                        errors[str(exc)] += 1
                        continue
                    latencies.append(time.perf_counter() - began)
                    if r.status_code == 201:
                        booked[(oid, start)] += 1
                    else:
                        errors[str(r.status_code)] += 1
            finally:
                await lean.aclose()

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
        race = await slot_race(http, tenant, admin, racers)
        for oid in office_ids:  # closed afterwards: the council's public list stays clean
            await retire_office(http, tenant, admin, oid, windows)
    return {
        "through": direct or gateway,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "bookings": sum(booked.values()),
        "bookings_per_s": round(sum(booked.values()) / elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1),
        }
        if latencies
        else {},
        "errors": dict(errors),
        # A slot booked more often than its windows would be a double booking.
        "duplicates": sum(max(0, count - windows) for count in booked.values()),
        "slot_race": race,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument("--tenant", default="kamianske")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--offices", type=int, default=4)
    parser.add_argument("--windows", type=int, default=10)
    parser.add_argument("--racers", type=int, default=50)
    parser.add_argument("--direct", default=None, help="e.g. http://127.0.0.1:8104")
    args = parser.parse_args()
    print(json.dumps(uvloop.run(run(**vars(args))), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
