"""The steady load of `make chaos` and its ledger of acknowledged operations.

Five streams through the gateway, each a few operations a second: petition signatures, budget
votes (each voter one over the limit), ASC bookings, payments (created, then confirmed by a
signed callback) and appeals with an email. Every write carries an Idempotency-Key and is
retried with the same key and body while the stack answers "not now" (no answer, 5xx, 429),
as a careful client would; whatever got a 2xx is recorded as acknowledged and is checked
afterwards (bench/chaos_check.py). Tokens are signed locally with the dev key
(bench/budget_votes.py's Minter), so a dead gateway cannot stop a stream from trying.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bench import budget_votes, queue_bookings
from bench.petitions_hot import patiently
from services.payments.domain.liqpay import signed_form
from services.payments.settings import PaymentsSettings

RETRYABLE = {429, 500, 502, 503, 504}


@dataclass
class Op:
    """One write; `done` gets the 2xx answer (the acknowledgement)."""

    method: str
    path: str
    kwargs: dict[str, Any]
    done: Callable[[httpx.Response], None]
    ok: tuple[int, ...] = (200, 201)
    also_fine: tuple[int, ...] = ()  # an expected refusal (the vote over the limit)


@dataclass
class Stream:
    """A stream's ledger: what was acknowledged, what failed, when it last succeeded."""

    name: str
    acked: list[dict[str, Any]] = field(default_factory=list)
    sent: int = 0
    retries: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    last_ok: float = 0.0
    n: int = 0

    async def setup(self, http: httpx.AsyncClient, minter: budget_votes.Minter, slug: str) -> None:
        """Create what the stream writes into (through the gateway, before any fault)."""
        raise NotImplementedError

    def next_op(self) -> Op:
        raise NotImplementedError


def bearer(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    return headers | ({"Idempotency-Key": key} if key else {})


async def council(http: httpx.AsyncClient, minter: budget_votes.Minter, slug: str) -> None:
    body = {
        "slug": slug,
        "name": {"uk": "Хаос-громада", "en": "Chaos council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {
            "rate_limits": {"sensitive_writes_per_minute": 10**6, "requests_per_minute": 10**6}
        },
    }
    cdto = minter.token(sub=f"cdto-{slug}", roles=["platform_admin"])
    r = await patiently(http, "POST", "/api/v1/platform/tenants", json=body, headers=bearer(cdto))
    assert r.status_code == 201, r.text


class Signatures(Stream):
    async def setup(self, http: httpx.AsyncClient, minter: budget_votes.Minter, slug: str) -> None:
        self.minter, self.slug = minter, slug
        self.staff = minter.token(sub=f"admin-{slug}", roles=["tenant_admin"], tenant=slug)
        author = minter.token(sub=f"author-{slug}", name="Авторка", roles=["citizen"], acr="high")
        base = f"/api/v1/{slug}/petitions"
        r = await patiently(
            http, "PUT", f"{base}/settings", json={"threshold": 10**7}, headers=bearer(self.staff)
        )
        assert r.status_code == 200, r.text
        r = await patiently(
            http,
            "POST",
            base,
            json={"title": f"Хаос {slug}", "text": "Перевірка."},
            headers=bearer(author, f"{slug}-petition"),
        )
        assert r.status_code == 201, r.text
        self.petition_id = r.json()["id"]
        r = await patiently(
            http, "POST", f"{base}/{self.petition_id}/publish", headers=bearer(self.staff)
        )
        assert r.status_code == 200, r.text
        self.path = f"{base}/{self.petition_id}"

    def next_op(self) -> Op:
        sub = f"signer-{self.slug}-{self.n}"
        token = self.minter.token(sub=sub, name="Підписант", roles=["citizen"], acr="substantial")
        return Op(
            "POST",
            f"{self.path}/signatures",
            {"headers": bearer(token, sub)},
            lambda r: self.acked.append({"sub": sub}),
        )


class Votes(Stream):
    votes_per_voter = 2

    async def setup(self, http: httpx.AsyncClient, minter: budget_votes.Minter, slug: str) -> None:
        self.minter = minter
        self.slug, self.cycle_id, self.projects = await budget_votes.prepare(
            http, 4, self.votes_per_voter
        )
        self.tokens: dict[int, str] = {}

    def next_op(self) -> Op:
        voter, k = divmod(self.n, self.votes_per_voter + 1)  # the last one must be refused
        token = self.tokens.setdefault(
            voter,
            self.minter.token(
                sub=f"voter-{self.slug}-{voter}",
                roles=["citizen"],
                acr="substantial",
                birthdate="1990-01-01",
                residence=self.slug,
                person_id=f"{self.slug}{voter:07d}".upper(),
            ),
        )
        project = self.projects[(voter + k) % len(self.projects)]
        path = f"/api/v1/{self.slug}/budget/cycles/{self.cycle_id}/votes"
        record = {"voter": voter, "token": token, "project": project}
        return Op(
            "POST",
            path,
            {"json": {"project_id": project}, "headers": bearer(token)},
            lambda r: self.acked.append(record),
            also_fine=(409,),
        )


class Bookings(Stream):
    tenant, windows = "kamianske", 2

    async def setup(self, http: httpx.AsyncClient, minter: budget_votes.Minter, slug: str) -> None:
        self.minter, self.slug = minter, slug
        admin = minter.token(sub=f"qadmin-{slug}", roles=["tenant_admin"], tenant=self.tenant)
        self.office = await queue_bookings.make_office(http, self.tenant, admin, self.windows)
        day = (datetime.now(ZoneInfo("Europe/Kyiv")) + timedelta(days=2)).date().isoformat()
        starts = await queue_bookings.slot_starts(http, self.tenant, self.office, day)
        # Several citizens per slot, more than its windows: the overflow must get 409.
        self.targets = [s for s in starts for _ in range(self.windows + 1)]
        random.shuffle(self.targets)

    def next_op(self) -> Op:
        sub = f"booker-{self.slug}-{self.n}"
        token = self.minter.token(sub=sub, name="Відвідувач", roles=["citizen"])
        start = self.targets[self.n % len(self.targets)]
        body = {"office_id": self.office, "service_code": queue_bookings.SERVICE, "start": start}

        def done(r: httpx.Response) -> None:
            self.acked.append({"id": r.json()["id"], "token": token, "start": start})

        return Op(
            "POST",
            f"/api/v1/{self.tenant}/queue/bookings",
            {"json": body, "headers": bearer(token, sub)},
            done,
            also_fine=(409,),
        )


class Payments(Stream):
    """Odd steps create a payment, even steps confirm the previous one by callback (which the
    provider sends until it gets a 200; a retried callback is the replay case)."""

    async def setup(self, http: httpx.AsyncClient, minter: budget_votes.Minter, slug: str) -> None:
        self.slug, self.settings = slug, PaymentsSettings()
        self.payer = minter.token(sub=f"payer-{slug}", name="Платник", roles=["citizen"])
        self.unconfirmed: list[dict[str, Any]] = []

    def next_op(self) -> Op:
        if self.n % 2 and self.unconfirmed:
            payment = self.unconfirmed.pop(0)
            form = signed_form(
                self.settings.liqpay_private_key,
                {
                    "version": 3,
                    "public_key": self.settings.liqpay_public_key,
                    "status": "success",
                    "order_id": payment["id"],
                    "amount": payment["amount"] / 100,
                    "currency": "UAH",
                    "transaction_id": uuid.uuid4().int % 10**10,
                    "info": self.slug,
                },
            )
            return Op(
                "POST",
                f"/api/v1/{self.slug}/payments/callbacks/liqpay",
                {"data": form},
                lambda r: payment.update(confirmed=True),
            )
        key = f"{self.slug}-pay-{self.n}"
        body = {"purpose": "fine", "reference": f"DEMO-{uuid.uuid4().int % 10**15}"}

        def done(r: httpx.Response) -> None:
            payment = {
                "id": r.json()["id"],
                "amount": r.json()["amount"],
                "key": key,
                "body": body,
                "confirmed": False,
            }
            self.acked.append(payment)
            self.unconfirmed.append(payment)

        return Op(
            "POST",
            f"/api/v1/{self.slug}/payments",
            {"json": body, "headers": bearer(self.payer, key)},
            done,
        )


class Appeals(Stream):
    tenant = "uzhhorod"

    async def setup(self, http: httpx.AsyncClient, minter: budget_votes.Minter, slug: str) -> None:
        self.minter, self.slug = minter, slug

    def next_op(self) -> Op:
        sub = f"appellant-{self.slug}-{self.n}"
        token = self.minter.token(sub=sub, name="Заявниця", roles=["citizen"])
        body = {
            "kind": "proposal",
            "subject": f"хаос {self.slug} {self.n}",
            "text": "Пропозиція щодо благоустрою.",
            "address": "м. Ужгород",
            "email": f"{sub}@example.ua",
        }

        def done(r: httpx.Response) -> None:
            self.acked.append({"id": r.json()["id"], "number": r.json()["number"], "token": token})

        return Op(
            "POST",
            f"/api/v1/{self.tenant}/appeals",
            {"json": body, "headers": bearer(token, sub)},
            done,
        )


def streams() -> list[Stream]:
    return [
        Signatures("signatures"),
        Votes("votes"),
        Bookings("bookings"),
        Payments("payments"),
        Appeals("appeals"),
    ]


async def drive(stream: Stream, http: httpx.AsyncClient, stop: asyncio.Event, pause: float) -> None:
    """Send the stream's writes one after another until `stop`, retrying each until acked,
    backing off as a careful client does (0.5 s doubling to 4 s, or the 429's Retry-After):
    retrying every 0.5 s through a 30 s outage would spend the user's 20 writes a minute and
    measure the rate limiter instead of the recovery."""
    op: Op | None = None
    backoff = 0.5
    while not stop.is_set():
        if op is None:
            op = stream.next_op()
            stream.n += 1
            backoff = 0.5
        else:
            stream.retries += 1
        stream.sent += 1
        try:
            r = await http.request(op.method, op.path, **op.kwargs)
            status: int | str = r.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        if isinstance(status, int) and (status in op.ok or status in op.also_fine):
            if status in op.ok:
                op.done(r)
            stream.last_ok = time.monotonic()
            op = None
        elif isinstance(status, str) or status in RETRYABLE:
            stream.failures[str(status)] += 1
            wait = backoff
            if status == 429:
                wait = max(wait, float(r.headers.get("retry-after", "0") or 0))
            await asyncio.sleep(min(wait, 30.0))
            backoff = min(backoff * 2, 4.0)
            continue
        else:
            stream.unexpected[str(status)] += 1
            op = None
        await asyncio.sleep(pause)
