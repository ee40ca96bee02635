"""A hromada news broadcast to N subscribers (default 10,000), and the delivery rate to the
SMTP sink: seeds N subscribers' preferences straight into notify's database for a fresh
council, publishes one news item through the gateway, and waits until every subscriber has
the email (in the SMTP sink) and the inbox item. Prints deliveries/s, the time to the last
email, and duplicates (emails per recipient above one). Needs the running suite (`make up`).

    uv run python bench/notify_news.py --subscribers 10000
"""

from __future__ import annotations

import argparse
import asyncio
import email
import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx
from pymongo import MongoClient

ROOT = Path(__file__).resolve().parents[1]


def status() -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "deploy/local/stack.py"), "status"],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout))


def recipients_of(maildir: Path, seen: set[str], title: str) -> Counter[str]:
    """To-addresses of the news emails that arrived since `seen` was taken."""
    found: Counter[str] = Counter()
    for path in maildir.glob("*.eml"):
        if path.name in seen:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        if title in str(message.get("Subject", "")):
            found[str(message["To"])] += 1
    return found


async def run(subscribers: int, timeout_s: float, mongo_url: str) -> dict[str, Any]:
    stack = status()
    gateway, maildir = stack["gateway"]["url"], Path(stack["smtp"]["maildir"])
    slug = f"news-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=gateway, timeout=30.0) as http:
        admin = (
            await http.post(
                "/auth/dev/token", json={"sub": "bench-cdto", "roles": ["platform_admin"]}
            )
        ).json()["access_token"]
        council = {"slug": slug, "name": {"uk": "Бенч-громада"}, "timezone": "Europe/Kyiv"}
        created = await http.post(
            "/api/v1/platform/tenants",
            json={**council, "locale": "uk"},
            headers={"Authorization": f"Bearer {admin}"},
        )
        created.raise_for_status()
        db = MongoClient(mongo_url)["hromada_notify"]
        docs = [
            {
                "_id": f"{slug}:sub-{i}",
                "tenant": slug,
                "sub": f"sub-{i}",
                "email_address": f"sub-{i}@{slug}.example.ua",
                "email": True,
                "inbox": True,
            }
            for i in range(subscribers)
        ]
        for start in range(0, len(docs), 1000):
            db["preferences"].insert_many(docs[start : start + 1000])
        official = (
            await http.post(
                "/auth/dev/token",
                json={"sub": "bench-official", "roles": ["official"], "tenant": slug},
            )
        ).json()["access_token"]
        title = f"Новини {slug}"
        seen = {p.name for p in maildir.glob("*.eml")}
        began = time.perf_counter()
        published = await http.post(
            f"/api/v1/{slug}/notify/news",
            json={"title": title, "body": "Графік вивезення сміття змінено."},
            headers={"Authorization": f"Bearer {official}"},
        )
        assert published.status_code == 201, published.text
        news_id = published.json()["id"]
        state = "sending"
        while time.perf_counter() - began < timeout_s:
            # Read from the database: a restart of the gateway must not end the measurement.
            state = (db["news"].find_one({"_id": news_id}, {"status": 1}) or {}).get("status", "")
            if state == "sent":
                break
            await asyncio.sleep(1)
        elapsed = time.perf_counter() - began
    emails = recipients_of(maildir, seen, title)
    inbox = db["inbox"].count_documents({"tenant": slug})
    delivered = sum(emails.values()) + inbox
    return {
        "name": "notify_news_broadcast",
        "subscribers": subscribers,
        "status": state,
        "seconds": round(elapsed, 1),
        "emails": sum(emails.values()),
        "distinct_email_recipients": len(emails),
        "inbox_items": inbox,
        "deliveries_per_s": round(delivered / elapsed, 1),
        "duplicates": sum(n - 1 for n in emails.values()),
        "missing": subscribers - len(emails),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--mongo", default="mongodb://127.0.0.1:27017/")
    args = parser.parse_args()
    figures = asyncio.run(run(args.subscribers, args.timeout, args.mongo))
    for key, value in figures.items():
        print(f"{key:>26}: {value}")


if __name__ == "__main__":
    main()
