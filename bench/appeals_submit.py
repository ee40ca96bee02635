"""Appeal submission through the gateway with N concurrent clients.

Prints requests/s, latency percentiles, errors, duplicate numbers, and the lag from each 201
to the matching email in the SMTP sink. Needs the running suite (`make up`).

    uv run python bench/appeals_submit.py --clients 20 --requests 1000
"""

from __future__ import annotations

import argparse
import asyncio
import email
import json
import statistics
import subprocess
import sys
import time
import uuid
from email.policy import default as default_policy
from pathlib import Path

import httpx

from bench.sampler import percentile

ROOT = Path(__file__).resolve().parents[1]


def status() -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/stack.py"), "status"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


async def run(args: argparse.Namespace) -> dict:
    stack = status()
    gateway, maildir = stack["gateway"]["url"], Path(stack["smtp"]["maildir"])
    run_id = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=gateway, timeout=30.0) as http:
        # Enough citizens that none meets the per-user limit on sensitive writes (20/min).
        tokens = []
        for i in range(max(args.clients, -(-args.requests // 15))):
            r = await http.post(
                "/auth/dev/token",
                json={"sub": f"bench-{run_id}-{i}", "name": "Бенч Тестовий", "roles": ["citizen"]},
            )
            tokens.append(r.json()["access_token"])
        seen_before = {p.name for p in maildir.glob("*.eml")}
        latencies: list[float] = []
        accepted: dict[str, float] = {}
        errors: dict[str, int] = {}
        remaining = iter(range(args.requests))

        async def client(i: int) -> None:
            for n in remaining:
                headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
                body = {
                    "kind": "proposal",
                    "subject": f"bench {run_id} {n}",
                    "text": "Пропозиція щодо благоустрою парку.",
                    "address": "м. Ужгород",
                    "email": f"bench-{n}@example.ua",
                }
                start = time.perf_counter()
                try:
                    r = await http.post(
                        f"/api/v1/{args.tenant}/appeals",
                        json=body,
                        headers={**headers, "Idempotency-Key": f"{run_id}-{n}"},
                    )
                except httpx.HTTPError as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - start)
                if r.status_code == 201:
                    accepted[r.json()["number"]] = time.time()
                else:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(args.clients)))
        elapsed = time.perf_counter() - began

    # Email lag: the sink's file time minus the moment the 201 came back.
    lags: list[float] = []
    deadline = time.time() + args.email_wait
    pending = dict(accepted)
    seen: set[str] = set(seen_before)
    while pending and time.time() < deadline:
        for path in maildir.glob("*.eml"):
            if path.name in seen:
                continue
            seen.add(path.name)
            msg = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            subject = str(msg["Subject"])
            for number in list(pending):
                if f"№ {number} " in subject:
                    lags.append(path.stat().st_mtime - pending.pop(number))
        await asyncio.sleep(0.2)

    numbers = list(accepted)
    report = {
        "clients": args.clients,
        "requests": args.requests,
        "accepted": len(accepted),
        "errors": errors,
        "duplicate_numbers": len(numbers) - len(set(numbers)),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1),
        }
        if latencies
        else {},
        "emails_received": len(lags),
        "emails_missing": len(pending),
        "email_lag_s": {
            "p50": round(percentile(lags, 0.50), 2),
            "p95": round(percentile(lags, 0.95), 2),
            "max": round(max(lags), 2),
        }
        if lags
        else {},
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--tenant", default="uzhhorod")
    parser.add_argument("--email-wait", type=float, default=120.0)
    print(json.dumps(asyncio.run(run(parser.parse_args())), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
