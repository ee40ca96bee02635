"""The scenarios of `make bench`, each a call of an existing bench's `run(...)` with its
measured requests recorded per second (bench/sampler.py), turned into one result row.

Row figures (ops, ops/s, percentiles, errors) come from the sampler, so every scenario
counts the same way (ops = answers with the scenario's success status, over the span from the
first request to the last answer); the bench's own summary stays in `extra`. `duplicates` is
the scenario's correctness check (a recount against what was acknowledged), not a timing.
Each scenario names the ceiling it is compared with (bench/ceilings.py).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bench import (
    appeals_submit,
    budget_votes,
    event_lag,
    gateway_get,
    payments_throughput,
    petitions_hot,
    queue_bookings,
)
from bench.sampler import Sampler, path_match, recording

GATEWAY = os.environ.get("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
Row = dict[str, Any]


def row(
    name: str,
    title: str,
    sampler: Sampler,
    *,
    duplicates: int,
    ceiling: str,
    target: str,
    met: Callable[[dict[str, Any]], bool],
    extra: dict[str, Any],
) -> Row:
    figures = sampler.figures()
    return {
        "name": name,
        "title": title,
        **figures,
        "duplicates": duplicates,
        "ceiling": ceiling,
        "target": target,
        "met": bool(met(figures)) and duplicates == 0,
        "extra": extra,
        "sampler": sampler,
    }


async def petition_signing(seconds: float) -> Row:
    sampler = Sampler(ok=(201,))
    # Tokens minted per second of load: above what the machine signs, so none runs out.
    rate = int(os.environ.get("BENCH_SIGN_RATE", "450"))
    with recording(sampler, path_match("POST", GATEWAY, "/signatures")):
        res = await petitions_hot.run(
            duration=seconds, concurrency=64, max_rate=rate, ceiling_s=0, service_s=0
        )
    keep = ("signatures_per_s", "latency_ms", "missing", "recount", "count_equals_recount")
    extra = {k: v for k, v in res.items() if k in keep or k.startswith("count_after")}
    extra["ran_out_of_tokens"] = res["ran_out_of_tokens"]
    return row(
        "petition_signing",
        "Hot petition: distinct citizens sign one petition (64 clients)",
        sampler,
        duplicates=res["duplicates"] + res["missing"] + (not res["count_equals_recount"]),
        ceiling="mongo_insert",
        target=">= 250 signatures/s, p99 < 500 ms, 0 duplicates, count = recount (issue 5)",
        met=lambda f: f["ops_per_s"] >= 250 and f["p99_ms"] < 500,
        extra=extra,
    )


async def budget_voting(seconds: float) -> Row:
    sampler = Sampler(ok=(201,), refused=(409,))
    with recording(sampler, path_match("POST", GATEWAY, "/votes")):
        res = await budget_votes.run(duration_s=seconds, concurrency=64, gateway=GATEWAY)
    keep = ("votes_per_s", "votes_accepted", "refused_409", "votes_stored", "over_limit_ballots")
    return row(
        "budget_voting",
        "Budget voting burst: 64 voters at once, each over their limit by one",
        sampler,
        duplicates=res["over_limit_ballots"] + (not res["stored_equals_accepted"]),
        ceiling="mongo_insert",
        target=">= 200 votes/s, 0 over-limit ballots, stored = accepted (issue 6)",
        met=lambda f: f["ops_per_s"] >= 200,
        extra={k: v for k, v in res.items() if k in keep or k == "latency_ms"},
    )


async def slot_booking(seconds: float) -> Row:
    sampler = Sampler(ok=(201,))
    racing = False
    plain_race = queue_bookings.slot_race

    async def race(*args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal racing
        racing = True  # the race's 409s are its point: not part of the throughput figures
        return await plain_race(*args, **kwargs)

    booking = path_match("POST", GATEWAY, "/queue/bookings")
    queue_bookings.slot_race = race  # type: ignore[assignment]
    try:
        with recording(sampler, lambda r: booking(r) and not racing):
            res = await queue_bookings.run(gateway=GATEWAY, seconds=seconds, clients=32)
    finally:
        queue_bookings.slot_race = plain_race  # type: ignore[assignment]
    race_result = res["slot_race"]
    return row(
        "slot_booking",
        "ASC bookings across many slots (32 clients), then 50 citizens race for one slot",
        sampler,
        duplicates=res["duplicates"] + abs(race_result["succeeded"] - 1),
        ceiling="mongo_insert",
        target=">= 100 bookings/s, 0 double bookings, exactly 1 race winner (issue 7)",
        met=lambda f: f["ops_per_s"] >= 100,
        extra={
            "bookings_per_s": res["bookings_per_s"],
            "latency_ms": res["latency_ms"],
            "slot_race": race_result,
        },
    )


async def payments(seconds: float) -> Row:
    """Creation and callbacks in one row: the callbacks are the throughput half (each payment
    is confirmed twice; the replay must change nothing)."""
    sampler = Sampler(ok=(200, 201))

    def measured(request: httpx.Request) -> bool:
        same_key_burst = request.headers.get("idempotency-key", "").endswith("-retry")
        return path_match("POST", GATEWAY, "/payments")(request) and not same_key_burst

    requests = max(40, int(seconds * float(os.environ.get("BENCH_PAYMENTS_RATE", "8"))))
    with recording(sampler, measured):
        res = await payments_throughput.run(GATEWAY, clients=10, requests=requests, retries=50)
    same_key = res["same_key_retries"]
    duplicates = (
        res["creation"]["duplicate_ids"]
        + res["callbacks"]["sampled_double_successes"]
        + abs(same_key["distinct_payments"] - 1)
    )
    return row(
        "payments",
        "Payments: fine intents, each confirmed twice by a signed callback; 50 same-key retries",
        sampler,
        duplicates=duplicates,
        ceiling="mongo_insert",
        target="0 duplicate payments, 0 double successes, 50 retries of a key -> 1 payment",
        met=lambda f: f["errors"] == 0,
        extra=res,
    )


async def appeal_submission(seconds: float) -> Row:
    sampler = Sampler(ok=(201,))
    requests = max(40, int(seconds * float(os.environ.get("BENCH_APPEALS_RATE", "20"))))
    args = argparse.Namespace(clients=20, requests=requests, tenant="uzhhorod", email_wait=60.0)
    with recording(sampler, path_match("POST", GATEWAY, "/appeals")):
        res = await appeals_submit.run(args)
    keep = ("accepted", "throughput_rps", "latency_ms", "emails_received", "emails_missing")
    return row(
        "appeal_submission",
        "Appeal submission (20 clients) and the lag from each 201 to its email (outbox -> "
        "Kafka -> notify -> SMTP)",
        sampler,
        duplicates=res["duplicate_numbers"],
        ceiling="mongo_insert",
        target="0 duplicate numbers, every acknowledged appeal gets its email within 60 s",
        met=lambda f: f["errors"] == 0 and res["emails_missing"] == 0,
        extra={**{k: res[k] for k in keep}, "email_lag_s": res["email_lag_s"]},
    )


async def authenticated_get(seconds: float) -> Row:
    res = await gateway_get.run(seconds=seconds, connections=64, gateway=GATEWAY)
    direct = res["direct"]
    return row(
        "gateway_get",
        f"Authenticated GET of a petition by id through the gateway (64 connections, "
        f"{res['offered_per_s']:g} requests/s offered on a fixed schedule)",
        res["sampler"],
        duplicates=0,
        ceiling="service_get",
        target=">= 500 requests/s at 64 connections, p95 < 100 ms (issue 11)",
        met=lambda f: f["ops_per_s"] >= 500 and f["p95_ms"] < 100,
        extra={
            "path": res["path"],
            "offered_per_s": res["offered_per_s"],
            "most_through_gateway_closed_loop": res["most"],
            "direct_on_service": direct,
        },
    ) | {"ceiling_figures": direct, "ceiling_sampler": res["direct_sampler"]}


async def event_lag_kafka(seconds: float) -> Row:
    res = await event_lag.run(rate=1000, seconds=seconds, plain=True, drain_s=30)
    return row(
        "event_lag_kafka",
        "Event lag, 1,000 events/s: services' producer -> Kafka -> a plain subscriber",
        res.pop("sampler"),
        duplicates=res["duplicates"] + res["unconsumed"],  # twice, or never
        ceiling="kafka_produce",
        target="p99 < 1 s at 1,000 events/s (issue 11)",
        met=lambda f: f["p99_ms"] < 1000 and res["published_per_s"] >= 950,
        extra=res,
    )


async def event_lag_consumer(seconds: float) -> Row:
    """The same with the consumer every service runs (chassis.consumer.IdempotentConsumer:
    batches, one claim insert and one done record per batch in MongoDB)."""
    res = await event_lag.run(rate=1000, seconds=seconds, drain_s=30)
    return row(
        "event_lag_consumer",
        "Event lag, 1,000 events/s, consumed by chassis.consumer.IdempotentConsumer",
        res.pop("sampler"),
        duplicates=res["duplicates"],  # the unconsumed are late, not lost: see `extra`
        ceiling="kafka_produce",
        target="p99 < 1 s at 1,000 events/s (issue 11)",
        met=lambda f: f["p99_ms"] < 1000 and res["unconsumed"] == 0,
        extra=res,
    )


SCENARIOS: dict[str, Callable[[float], Awaitable[Row]]] = {
    "petition_signing": petition_signing,
    "budget_voting": budget_voting,
    "slot_booking": slot_booking,
    "payments": payments,
    "appeal_submission": appeal_submission,
    "gateway_get": authenticated_get,
    "event_lag_kafka": event_lag_kafka,
    "event_lag_consumer": event_lag_consumer,
}
