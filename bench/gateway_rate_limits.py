"""Cost of the Mongo-backed rate limiter on the MongoDB-wire server (FerretDB locally).

Prints, for a fresh throw-away database: latency of one check (one budget, and a sensitive
write's two budgets) with N other slots already stored; how many passed when two limiters
(= two gateway replicas) fire at one budget concurrently, and the inserts that took; and, for
comparison, what a `count_documents` over the window (the sliding-log alternative) costs.

    uv run python bench/gateway_rate_limits.py --background 20000 --checks 300
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from typing import Any

from pymongo import AsyncMongoClient

from gateway.rate_limit_store import RATE_LIMIT_COLLECTION, MongoSlotStore
from gateway.rate_limits import WINDOW_S, Budget, RateLimiter, Slot


class CountingStore(MongoSlotStore):
    round_trips = 0

    async def claim(self, slots: list[Slot], at: float) -> set[Slot]:
        self.round_trips += 1
        return await super().claim(slots, at)


def ms(values: list[float], q: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000:.2f}"


async def timed_checks(limiter: RateLimiter, budgets: list[Budget], n: int) -> list[float]:
    latencies = []
    for _ in range(n):
        started = time.perf_counter()
        await limiter.check("bench", budgets)
        latencies.append(time.perf_counter() - started)
    return latencies


async def run(args: argparse.Namespace) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(args.mongo_url)
    name = f"bench_rate_limits_{uuid.uuid4().hex[:8]}"
    slots = client[name][RATE_LIMIT_COLLECTION]
    try:
        window = int(time.time() // WINDOW_S)
        await slots.insert_many(
            [
                {"_id": f"bench|user:{i}|{window}|1", "tenant": "bench", "window": window}
                for i in range(args.background)
            ]
        )
        limiter = RateLimiter(MongoSlotStore(slots))
        big = 10**9
        one = await timed_checks(limiter, [Budget("user:me", big)], args.checks)
        two = await timed_checks(
            limiter, [Budget("user:me2", big), Budget("write:me2", big)], args.checks
        )
        print(f"stored slots before: {args.background}")
        for label, values in (("1 budget ", one), ("2 budgets", two)):
            print(f"check, {label}: p50 {ms(values, 0.5)} ms, p95 {ms(values, 0.95)} ms")

        stores = [CountingStore(slots), CountingStore(slots)]
        replicas = [RateLimiter(store) for store in stores]
        started = time.perf_counter()
        verdicts = await asyncio.gather(
            *(replicas[i % 2].check("bench", [Budget("write:race", 20)]) for i in range(200))
        )
        elapsed = time.perf_counter() - started
        passed = sum(v.allowed for v in verdicts)
        trips = sum(s.round_trips for s in stores)
        print(
            f"2 replicas, 200 concurrent checks, limit 20: passed {passed}, "
            f"{trips} inserts in all (the rest refused without one), {elapsed * 1000:.0f} ms"
        )

        counts = []
        for _ in range(10):
            started = time.perf_counter()
            await slots.count_documents({"tenant": "bench", "window": window, "_id": "x"})
            counts.append(time.perf_counter() - started)
        print(f"sliding-log alternative, count_documents: p50 {ms(counts, 0.5)} ms")
    finally:
        await client.drop_database(name)
        await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--mongo-url", default=os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
    )
    parser.add_argument("--background", type=int, default=20000)
    parser.add_argument("--checks", type=int, default=300)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
