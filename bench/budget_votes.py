"""A voting burst in the participatory budget through the gateway: many distinct voters at once,
each casting their votes_per_voter votes one after another and then one more (which must be
refused), at a fixed concurrency for a fixed time.

Prints votes/s (accepted votes), request latency percentiles, errors by status, and the
over-limit ballots recounted from the database afterwards (voters with more counted votes
than votes_per_voter; must be 0), plus votes stored vs. votes accepted. Needs the running
suite (`make up`); onboards a throw-away council with high rate limits for the burst.

    uv run python bench/budget_votes.py --duration 30 --concurrency 64
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvloop
from joserfc import jwt
from joserfc.jwk import RSAKey
from pymongo import AsyncMongoClient

from bench.rawhttp import RawClient, TransportError
from bench.sampler import percentile

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("submission", "support", "review", "voting", "results", "implementation")


class Minter:
    """Tokens for the burst, minted up front. The dev issuer (`POST /auth/dev/token`) is used
    for staff; voters need the `person_id` claim, which it does not pass yet, so theirs are
    signed with the same dev key the gateway publishes (dev/test stacks only)."""

    def __init__(self) -> None:
        path = os.environ.get(
            "HROMADA_DEV_KEY_FILE", str(ROOT / ".stack/data/gateway/dev-signing-key.json")
        )
        self.key = RSAKey.import_key(json.loads(Path(path).read_text()))
        self.issuer = os.environ.get("HROMADA_JWT_ISSUER", "http://127.0.0.1:8000")
        self.audience = os.environ.get("HROMADA_JWT_AUDIENCE", "hromada")

    def token(self, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": self.key.kid}, payload, self.key)


async def dev_token(http: httpx.AsyncClient, **claims: Any) -> dict[str, str]:
    response = await http.post("/auth/dev/token", json=claims)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def prepare(
    http: httpx.AsyncClient, projects: int, votes_per_voter: int
) -> tuple[str, str, list[str]]:
    """A fresh council with a cycle in the voting phase and `projects` eligible projects."""
    slug = f"bench{uuid.uuid4().hex[:8]}"
    cdto = await dev_token(http, sub=f"cdto-{slug}", roles=["platform_admin"])
    council = {
        "slug": slug,
        "name": {"uk": "Бенч громада", "en": "Bench Community"},
        "settings": {
            "rate_limits": {
                "sensitive_writes_per_minute": 1_000_000,
                "requests_per_minute": 1_000_000,
            }
        },
    }
    (await http.post("/api/v1/platform/tenants", json=council, headers=cdto)).raise_for_status()
    admin = await dev_token(http, sub=f"admin-{slug}", roles=["tenant_admin"], tenant=slug)
    official = await dev_token(http, sub=f"official-{slug}", roles=["official"], tenant=slug)
    start = datetime.now(UTC) + timedelta(days=30)
    phases = {
        p: [
            (start + timedelta(days=10 * i)).isoformat(),
            (start + timedelta(days=10 * i + 9)).isoformat(),
        ]
        for i, p in enumerate(PHASES)
    }
    cycle = {
        "year": 2026,
        "title": "Бенч",
        "phases": phases,
        "categories": [{"code": "all", "title": "Усі", "funds": 10**9, "max_project_cost": 10**6}],
        "rules": {"votes_per_voter": votes_per_voter},
    }
    base = f"/api/v1/{slug}/budget"
    created = await http.post(f"{base}/cycles", json=cycle, headers=admin)
    created.raise_for_status()
    cycle_id = created.json()["id"]

    async def phase(name: str) -> None:
        r = await http.post(f"{base}/cycles/{cycle_id}/phase", json={"phase": name}, headers=admin)
        r.raise_for_status()

    await phase("submission")
    author_token = Minter().token(sub=f"author-{slug}", roles=["citizen"], acr="high")
    author = {"Authorization": f"Bearer {author_token}"}
    ids = []
    for n in range(projects):
        body = {"title": f"Проєкт {n}", "description": "Бенч", "category": "all", "cost": 1000 + n}
        r = await http.post(f"{base}/cycles/{cycle_id}/projects", json=body, headers=author)
        r.raise_for_status()
        ids.append(r.json()["id"])
    await phase("review")
    for pid in ids:
        r = await http.post(
            f"{base}/projects/{pid}/review",
            json={"eligible": True, "reason": "ok"},
            headers=official,
        )
        r.raise_for_status()
    await phase("voting")
    return slug, cycle_id, ids


async def recount(slug: str, cycle_id: str, votes_per_voter: int) -> dict[str, int]:
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
    )
    try:
        cursor = await mongo["hromada_budget"]["votes"].aggregate(
            [
                {"$match": {"tenant": slug, "cycle_id": cycle_id}},
                {"$group": {"_id": "$voter_key", "n": {"$sum": 1}}},
            ]
        )
        per_voter = [int(row["n"]) async for row in cursor]
    finally:
        await mongo.close()
    return {
        "voters": len(per_voter),
        "votes_stored": sum(per_voter),
        "over_limit_ballots": sum(1 for n in per_voter if n > votes_per_voter),
    }


async def run(
    duration_s: float = 30.0,
    concurrency: int = 64,
    voters: int = 4000,
    projects: int = 10,
    votes_per_voter: int = 3,
    gateway: str = "http://127.0.0.1:8000",
    votes_to: str | None = None,
) -> dict[str, Any]:
    """`votes_to`: send the votes straight to this URL (the budget service itself, to tell its
    capacity from the gateway's); the set-up always goes through the gateway."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30.0) as setup:
        slug, cycle_id, ids = await prepare(setup, projects, votes_per_voter)
    target = votes_to or gateway
    # One connection per worker on the lean client (bench/rawhttp.py): httpx's own bookkeeping
    # costs more CPU than the requests do, and the bench would measure itself.
    clients = [RawClient(target) for _ in range(concurrency)]
    try:
        minter = Minter()
        run_id = uuid.uuid4().hex[:8]
        tokens = [
            minter.token(
                sub=f"bench-{run_id}-{n}",
                roles=["citizen"],
                acr="substantial",
                birthdate="1990-01-01",
                residence=slug,
                person_id=f"{run_id}{n:07d}".upper(),
            )
            for n in range(voters)
        ]
        # A voter casts their votes one after another (as a person clicks), and then one more,
        # which must be refused; many voters vote at once.
        ballots = iter(
            (token, [ids[(n + k) % len(ids)] for k in range(votes_per_voter + 1)])
            for n, token in enumerate(tokens)
        )
        path = f"/api/v1/{slug}/budget/cycles/{cycle_id}/votes"
        latencies: list[float] = []
        statuses: dict[str, int] = {}
        deadline = time.perf_counter() + duration_s

        async def client(http: RawClient) -> None:
            for token, choices in ballots:
                for project_id in choices:
                    if time.perf_counter() > deadline:
                        return
                    start = time.perf_counter()
                    try:
                        r = await http.post(
                            path,
                            json={"project_id": project_id},
                            headers={"Authorization": f"Bearer {token}"},
                        )
                        key = str(r.status_code)
                    except TransportError as exc:
                        key = str(exc)
                    latencies.append(time.perf_counter() - start)
                    statuses[key] = statuses.get(key, 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(client(http) for http in clients))
        elapsed = time.perf_counter() - began
    finally:
        for http in clients:
            await http.aclose()
    accepted = statuses.get("201", 0)
    refused_as_expected = statuses.get("409", 0)
    errors = {k: v for k, v in statuses.items() if k not in ("201", "409")}
    counted = await recount(slug, cycle_id, votes_per_voter)
    return {
        "votes_sent_to": target,
        "tenant": slug,
        "concurrency": concurrency,
        "duration_s": round(elapsed, 1),
        "requests": len(latencies),
        "votes_accepted": accepted,
        "refused_409": refused_as_expected,
        "errors": errors,
        "votes_per_s": round(accepted / elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1),
        }
        if latencies
        else {},
        **counted,
        "stored_equals_accepted": counted["votes_stored"] == accepted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--voters", type=int, default=4000)
    parser.add_argument("--projects", type=int, default=10)
    parser.add_argument("--votes-per-voter", type=int, default=3)
    parser.add_argument(
        "--gateway", default=os.environ.get("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
    )
    parser.add_argument(
        "--votes-to", default=None, help="e.g. http://127.0.0.1:8103: bypass the gateway"
    )
    args = parser.parse_args()
    report = uvloop.run(
        run(
            args.duration,
            args.concurrency,
            args.voters,
            args.projects,
            args.votes_per_voter,
            args.gateway,
            args.votes_to,
        )
    )
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
