"""The staff list's first page with filters at 100,000 appeals in one council.

Seeds N appeals straight into MongoDB (bulk inserts) in a database of their own, so the shared
`hromada_appeals` stays small for everyone else; starts a private appeals instance on that
database; times the first page of `GET /api/v1/{tenant}/appeals` with several filter sets
directly against it; prints p50/p95/p99 per filter set; drops the database (unless --keep).
Needs the running suite (`make up`) for Kafka and the dev identity provider.

    uv run python bench/appeals_staff_list.py --count 100000 --requests 20
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pymongo import MongoClient

from bench.sampler import percentile
from services.appeals.due_calendar import DUE_DAYS, DUE_SPANS
from services.appeals.list_rows import LIST_ROWS, row_of
from services.appeals.listing import due_day, due_span
from services.appeals.repository import BACKFILL, MIGRATIONS

ROOT = Path(__file__).resolve().parents[1]
TENANT = "chernivtsi"
DB = "hromada_appeals_bench"
PORT = 8191
DEPARTMENTS = [f"Відділ {i}" for i in range(20)]
STATUSES = ["registered", "assigned", "assigned", "answered", "closed", "reopened"]
WORDS = [
    "ремонт",
    "дороги",
    "освітлення",
    "парку",
    "сміття",
    "тротуар",
    "лавки",
    "дерево",
    "каналізація",
    "вода",
]
FILTERS = {
    "no filter": {},
    "status=assigned": {"status": "assigned"},
    "department+overdue": {"department": "Відділ 7", "overdue": "true"},
    "priority=true": {"priority": "true"},
    "text=освітлення парку": {"text": "освітлення парку"},
}


TEXT = (
    "Прошу відремонтувати дорогу на вулиці Головній: після зими утворилися глибокі вибоїни, "
    "у дощ їх не видно, і вже двічі пошкоджено колеса. Біля школи немає освітлення, діти "
    "повертаються з гуртків затемна. Прошу повідомити строки ремонту та відповідальних."
)
STAGE_OF = {
    "register": "registered",
    "assign": "assigned",
    "answer": "answered",
    "close": "closed",
    "reopen": "reopened",
}
# What each status has been through: the stages a real appeal's history and audit trail hold.
STAGES = {
    "registered": ["register"],
    "assigned": ["register", "assign"],
    "answered": ["register", "assign", "answer"],
    "closed": ["register", "assign", "answer", "close"],
    "reopened": ["register", "assign", "answer", "reopen"],
}


def lived(
    status: str, received: datetime, due: datetime, department: str | None, subject: str
) -> dict[str, object]:
    """The history, audit trail (hash-chained, as services/appeals/audit.py writes it) and
    answer of an appeal that reached `status`: lists read whole documents on FerretDB, so the
    seeded ones are as large as the service's own (~2-5 KB, not a bare 0.7 KB)."""
    history: list[dict[str, object]] = []
    audit: list[dict[str, object]] = []
    previous = "0" * 64
    for seq, action in enumerate(STAGES[status], start=1):
        at = received + timedelta(hours=seq * 5)
        stage = STAGE_OF[action]
        history.append(
            {"stage": stage, "at": at}
            | ({"department": department, "official": "Посадова особа"} if seq > 1 else {})
        )
        details: dict[str, object] = {
            "register": {
                "number": "BENCH",
                "kind": "statement",
                "subject": subject,
                "due_at": due.isoformat(),
                "late_complaint": False,
                "possible_repeat_of": None,
            },
            "assign": {"department": department, "assignee": None},
            "answer": {"on_time": True, "summary": "Ремонт заплановано на весну."},
        }.get(action, {})
        digest = uuid.uuid4().hex * 2
        audit.append(
            {
                "seq": seq,
                "at": at.isoformat(),
                "actor": {"sub": "official-1", "role": "official"},
                "action": action,
                "details": details,
                "prev_hash": previous,
                "hash": digest,
            }
        )
        previous = digest
    answered = "answer" in STAGES[status]
    answer_at = received + timedelta(hours=15)
    return {
        "history": history,
        "audit": audit,
        "answer": {
            "text": "Ремонт заплановано на весну, освітлення — до кінця місяця.",
            "at": answer_at,
        }
        if answered
        else None,
        "answered_at": answer_at if answered else None,
        "version": len(audit),
    }


def store(client: MongoClient, appeals: list[dict[str, Any]]) -> None:
    """The appeals and their list rows, as the service writes them (list_rows.py)."""
    client[DB]["appeals"].insert_many(appeals, ordered=False)
    rows = [row_of(doc, doc["version"]) for doc in appeals]
    client[DB][LIST_ROWS].insert_many(rows, ordered=False)


def seed(client: MongoClient, count: int, spread_days: int = 90) -> float:
    """Bulk-insert `count` appeals shaped as the service stores them; returns seconds."""
    client[DB]["appeals"].drop()
    client[DB][LIST_ROWS].drop()
    now = datetime.now(UTC)
    rng = random.Random(7)
    started = time.perf_counter()
    batch = []
    days_used: set[int] = set()
    for i in range(count):
        received = now - timedelta(minutes=rng.randint(0, 60 * 24 * spread_days))
        due = received + timedelta(days=30)
        days_used.add(due_day(due))
        subject = " ".join(rng.sample(WORDS, 3))
        status = rng.choice(STATUSES)
        department = rng.choice(DEPARTMENTS) if status != "registered" else None
        batch.append(
            {
                "_id": str(uuid.uuid4()),
                "tenant": TENANT,
                "number": f"BENCH-{i + 1}",
                "kind": "statement",
                "subject": subject,
                "subject_tokens": sorted(set(subject.split())),
                "text": TEXT,
                "address": "м. Чернівці, вул. Головна, 1",
                "email": "bench@example.ua",
                "phone": None,
                "locale": "uk",
                "location": None,
                "citizen_sub": f"bench-citizen-{i % 5000}",
                "citizen_name": "Олена Коваль",
                "received_at": received,
                "due_at": due,
                "due_day": due_day(due),  # as the service stores it (listing.due_day)
                "due_span": due_span(due_day(due)),
                "status": status,
                "priority": rng.random() < 0.05,
                "department": department,
                "assignee": None,
                "category": None,
                "late_complaint": False,
                "possible_repeat_of": None,
                # Notices "already sent": the private instance's clock has nothing to do.
                "clock_pending": False,
                "list_pending": False,
                **lived(status, received, due, department, subject),
                "outbox": [],
            }
        )
        if len(batch) == 5000:
            store(client, batch)
            batch = []
    if batch:
        store(client, batch)
    # The service's markers of each due day and span in use (due_calendar.py), as `add`
    # writes them.
    days = client[DB][DUE_DAYS]
    days.drop()
    days.insert_many(
        [
            {"_id": f"{TENANT}|{day}", "tenant": TENANT, "day": day, "span": due_span(day)}
            for day in sorted(days_used)
        ]
    )
    spans = client[DB][DUE_SPANS]
    spans.drop()
    spans.insert_many(
        [
            {"_id": f"{TENANT}|{span}", "tenant": TENANT, "span": span}
            for span in sorted({due_span(day) for day in days_used})
        ]
    )
    # Seeded in the current shape: the service need not backfill (a read of every appeal).
    client[DB][MIGRATIONS].replace_one({"_id": BACKFILL}, {"_id": BACKFILL}, upsert=True)
    return time.perf_counter() - started


def start_service(env_file: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    for line in env_file.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env.setdefault(key, value)
    env.update(
        HROMADA_APPEALS_PORT=str(PORT),
        HROMADA_APPEALS_MONGO_DB=DB,
        HROMADA_APPEALS_CLOCK_INTERVAL_S="3600",
        HROMADA_APPEALS_ATTACHMENTS_BUCKET="hromada-appeals-bench",
        HROMADA_LOG_LEVEL="WARNING",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "services.appeals"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(http: httpx.Client, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if http.get("/health/live").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the private appeals instance did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument(
        "--spread-days",
        type=int,
        default=90,
        help="receipts spread over this many days (90: ~1,100 appeals due a day at 100,000; "
        "a council collects 100,000 over years, ~1,800 days)",
    )
    parser.add_argument("--gateway", default="http://127.0.0.1:8000")
    parser.add_argument(
        "--mongo", default=os.environ.get("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--reuse", action="store_true", help="use a database kept by --keep")
    args = parser.parse_args()

    client: MongoClient = MongoClient(args.mongo, tz_aware=True)
    if args.reuse:
        print(f"reusing {client[DB]['appeals'].estimated_document_count()} seeded appeals")
    else:
        seconds = seed(client, args.count, args.spread_days)
        print(f"seeded {args.count} appeals in {seconds:.1f} s ({args.count / seconds:.0f}/s)")

    token = httpx.post(
        f"{args.gateway}/auth/dev/token",
        json={"sub": "bench-official", "name": "Bench", "roles": ["official"], "tenant": TENANT},
    ).json()["access_token"]
    service = start_service(ROOT / ".stack/env")
    try:
        with httpx.Client(
            base_url=f"http://127.0.0.1:{PORT}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=300.0,
        ) as http:
            wait_ready(http)
            print(
                f"first page (limit={args.limit}), {args.requests} requests per filter set:",
                flush=True,
            )
            for name, params in FILTERS.items():
                query = {**params, "limit": args.limit}
                # The first request of a list walks without the density it leaves behind
                # for the next ones (services/appeals/list_walk.py): shown on its own.
                started = time.perf_counter()
                http.get(f"/api/v1/{TENANT}/appeals", params=query).raise_for_status()
                first_ms = (time.perf_counter() - started) * 1000
                times = []
                for _ in range(args.requests):
                    started = time.perf_counter()
                    response = http.get(f"/api/v1/{TENANT}/appeals", params=query)
                    times.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                items = len(response.json()["items"])
                print(
                    f"  {name:24} items={items:3}  first={first_ms:7.1f} ms  "
                    f"p50={statistics.median(times):8.1f} ms  "
                    f"p95={percentile(times, 0.95):8.1f} ms  p99={percentile(times, 0.99):8.1f} ms",
                    flush=True,
                )
    finally:
        service.terminate()
        service.wait(timeout=30)
        if not args.keep:
            client.drop_database(DB)
        client.close()


if __name__ == "__main__":
    main()
