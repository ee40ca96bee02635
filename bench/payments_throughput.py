"""Payments through the gateway: intent creation and provider callback throughput, and 50
concurrent retries of one Idempotency-Key (must make one payment).

Onboards a council of its own with high rate limits (the gateway allows 20 payment creations
a minute per citizen by default), creates fine payments (the demo register prices them), then
sends each a signed LiqPay "success" callback twice (the second is a replay that must change
nothing). Prints throughput, latency percentiles, errors and duplicates. Needs `make up`.

    uv run python bench/payments_throughput.py --clients 10 --requests 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench.sampler import percentile
from services.payments.domain.liqpay import signed_form
from services.payments.settings import PaymentsSettings


def figures(latencies: list[float], elapsed: float, errors: dict[str, int]) -> dict[str, Any]:
    return {
        "requests": len(latencies) + sum(errors.values()),
        "errors": errors,
        "throughput_rps": round(len(latencies) / elapsed, 1) if elapsed else 0,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1),
        }
        if latencies
        else {},
    }


async def timed(
    jobs: list[Callable[[], Awaitable[httpx.Response]]], clients: int, ok: int
) -> tuple[list[httpx.Response], dict[str, Any]]:
    """Run the jobs with `clients` concurrent workers; count non-`ok` answers as errors."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    answers: list[httpx.Response] = []
    queue = iter(jobs)

    async def worker() -> None:
        for job in queue:
            start = time.perf_counter()
            try:
                response = await job()
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                continue
            latencies.append(time.perf_counter() - start)
            answers.append(response)
            if response.status_code != ok:
                errors[str(response.status_code)] = errors.get(str(response.status_code), 0) + 1

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return answers, figures(latencies, time.perf_counter() - began, errors)


async def run(
    gateway: str = "http://127.0.0.1:8000",
    clients: int = 10,
    requests: int = 200,
    retries: int = 50,
    callback_base: str | None = None,
) -> dict[str, Any]:
    settings = PaymentsSettings()
    slug = f"bench-pay-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=gateway, timeout=60.0) as http:

        async def token(**claims: Any) -> dict[str, str]:
            r = await http.post("/auth/dev/token", json=claims)
            return {"Authorization": f"Bearer {r.json()['access_token']}"}

        admin = await token(sub=f"cdto-{slug}", roles=["platform_admin"])
        limits = {"sensitive_writes_per_minute": 100000, "requests_per_minute": 100000}
        council = {
            "slug": slug,
            "name": {"uk": "Бенч", "en": "Bench"},
            "timezone": "Europe/Kyiv",
            "locale": "uk",
            "settings": {"rate_limits": limits},
        }
        r = await http.post("/api/v1/platform/tenants", json=council, headers=admin)
        r.raise_for_status()
        payer = await token(sub=f"bench-{slug}", name="Бенч Тестовий", roles=["citizen"])
        url = f"/api/v1/{slug}/payments"

        def create(n: int) -> Callable[[], Awaitable[httpx.Response]]:
            body = {"purpose": "fine", "reference": f"DEMO-{uuid.uuid4().int % 10**15}"}
            headers = {**payer, "Idempotency-Key": f"{slug}-{n}"}
            return lambda: http.post(url, json=body, headers=headers)

        created, creation = await timed([create(n) for n in range(requests)], clients, 201)
        payments = [c.json() for c in created if c.status_code == 201]
        creation["duplicate_ids"] = len(payments) - len({p["id"] for p in payments})

        base = (callback_base or gateway).rstrip("/")

        def callback(payment: dict[str, Any]) -> Callable[[], Awaitable[httpx.Response]]:
            form = signed_form(
                settings.liqpay_private_key,
                {
                    "version": 3,
                    "public_key": settings.liqpay_public_key,
                    "status": "success",
                    "order_id": payment["id"],
                    "amount": payment["amount"] / 100,
                    "currency": "UAH",
                    "transaction_id": uuid.uuid4().int % 10**10,
                    "info": slug,
                },
            )
            target = f"{base}/api/v1/{slug}/payments/callbacks/liqpay"
            return lambda: http.post(target, data=form)

        jobs = [callback(p) for p in payments for _ in range(2)]  # each callback twice
        _, callbacks = await timed(jobs, clients, 200)
        succeeded_twice = 0
        for p in payments[:50]:  # a sample: a replay must not add a second success
            found = (await http.get(f"{url}/{p['id']}", headers=payer)).json()
            statuses = [h["status"] for h in found.get("history", [])]
            succeeded_twice += statuses.count("success") > 1
        callbacks["sampled_double_successes"] = succeeded_twice

        key_headers = {**payer, "Idempotency-Key": f"{slug}-retry"}
        body = {"purpose": "fine", "reference": f"DEMO-{uuid.uuid4().int % 10**15}"}
        began = time.perf_counter()
        burst = await asyncio.gather(
            *(http.post(url, json=body, headers=key_headers) for _ in range(retries)),
            return_exceptions=True,
        )
        answered = [b for b in burst if isinstance(b, httpx.Response)]
        same_key = {
            "retries": retries,
            "statuses": sorted({str(b.status_code) for b in answered}),
            "distinct_payments": len(
                {b.json().get("id") for b in answered if b.status_code == 201}
            ),
            "replayed": sum(1 for b in answered if b.headers.get("idempotent-replayed") == "true"),
            "elapsed_ms": round((time.perf_counter() - began) * 1000, 1),
        }
    return {
        "council": slug,
        "creation": creation,
        "callbacks": callbacks,
        "same_key_retries": same_key,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--retries", type=int, default=50)
    parser.add_argument(
        "--callback-base",
        default=None,
        help="where callbacks go (default: the gateway; the payments service to bypass it)",
    )
    args = parser.parse_args()
    report = asyncio.run(
        run(args.gateway, args.clients, args.requests, args.retries, args.callback_base)
    )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
