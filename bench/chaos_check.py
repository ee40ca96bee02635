"""After the faults: every acknowledged write read back through the API, and every side effect
counted for duplicates. Each check returns {"acked", "lost", "duplicates", ...}.

- signatures: the council's signers export holds every acknowledged signer exactly once, and
  the petition's shown count equals the rows (count = recount);
- votes: each voter's `votes/mine` holds their acknowledged votes, never more than the limit;
- bookings: each acknowledged booking is there and `booked`; no slot has more bookings than
  windows (the slot list never shows fewer than 0 available, nor fewer booked than we hold);
- payments: each acknowledged payment is there, confirmed ones `success` with one success in
  their history; the same Idempotency-Key sent again answers with the same payment, and the
  payer has no payment that no key explains;
- appeals: each acknowledged appeal is there, and its registration email arrived exactly once
  (the SMTP sink's files: none is a lost side effect, two a duplicate).
"""

from __future__ import annotations

import csv
import email
import io
import re
from collections import Counter
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx

from bench.chaos_load import Appeals, Bookings, Payments, Signatures, Stream, Votes, bearer
from bench.petitions_hot import patiently


async def signatures(http: httpx.AsyncClient, s: Signatures) -> dict[str, Any]:
    r = await patiently(http, "GET", f"{s.path}/signatures.csv", headers=bearer(s.staff))
    rows = list(csv.DictReader(io.StringIO(r.text)))
    subs = Counter(row["sub"] for row in rows)
    shown = (await patiently(http, "GET", s.path)).json()["signature_count"]
    return {
        "acked": len(s.acked),
        "lost": sum(1 for a in s.acked if a["sub"] not in subs),
        "duplicates": sum(n - 1 for n in subs.values()) + abs(shown - len(rows)),
        "stored": len(rows),
        "shown_count": shown,
    }


async def votes(http: httpx.AsyncClient, s: Votes) -> dict[str, Any]:
    per_voter: dict[int, list[dict[str, Any]]] = {}
    for a in s.acked:
        per_voter.setdefault(a["voter"], []).append(a)
    lost = over = 0
    for acked in per_voter.values():
        path = f"/api/v1/{s.slug}/budget/cycles/{s.cycle_id}/votes/mine"
        r = await patiently(http, "GET", path, headers=bearer(acked[0]["token"]))
        mine = set(r.json()["project_ids"])
        lost += sum(1 for a in acked if a["project"] not in mine)
        over += len(mine) > s.votes_per_voter
    return {"acked": len(s.acked), "voters": len(per_voter), "lost": lost, "duplicates": over}


async def bookings(http: httpx.AsyncClient, s: Bookings) -> dict[str, Any]:
    lost = 0
    for a in s.acked:
        r = await patiently(
            http, "GET", f"/api/v1/{s.tenant}/queue/bookings/{a['id']}", headers=bearer(a["token"])
        )
        lost += r.status_code != 200 or r.json().get("status") != "booked"
    held = Counter(a["start"] for a in s.acked)
    day = s.targets[0][:10] if s.targets else ""
    r = await patiently(
        http,
        "GET",
        f"/api/v1/{s.tenant}/queue/offices/{s.office}/slots",
        params={"service": "residence-registration", "date": day},
    )
    overbooked = 0
    for slot in r.json()["items"]:
        taken = slot["capacity"] - slot["available"]
        overbooked += slot["available"] < 0 or held[slot["start"]] > s.windows
        lost += max(0, held[slot["start"]] - taken)  # acknowledged but not holding a seat
    return {"acked": len(s.acked), "lost": lost, "duplicates": overbooked}


async def payments(http: httpx.AsyncClient, s: Payments) -> dict[str, Any]:
    lost = doubled = 0
    url = f"/api/v1/{s.slug}/payments"
    for a in s.acked:
        r = await patiently(http, "GET", f"{url}/{a['id']}", headers=bearer(s.payer))
        if r.status_code != 200:
            lost += 1
            continue
        found = r.json()
        successes = [h for h in found.get("history", []) if h.get("status") == "success"]
        lost += a["confirmed"] and found["status"] != "success"
        doubled += len(successes) > 1
        again = await patiently(
            http, "POST", url, json=a["body"], headers=bearer(s.payer, a["key"])
        )
        doubled += again.json().get("id") != a["id"]
    listed: set[str] = set()
    cursor = None
    while True:
        params = {"limit": 100} | ({"cursor": cursor} if cursor else {})
        page = (await patiently(http, "GET", url, params=params, headers=bearer(s.payer))).json()
        listed |= {p["id"] for p in page["items"]}
        cursor = page.get("next_cursor")
        if not cursor:
            break
    # A payment no acknowledged key explains came from a request that failed for the client:
    # allowed once per failed attempt's key, a duplicate if it duplicates an acknowledged one.
    orphans = len(listed - {a["id"] for a in s.acked})
    return {
        "acked": len(s.acked),
        "confirmed": sum(a["confirmed"] for a in s.acked),
        "lost": lost,
        "duplicates": doubled,
        "payments_listed": len(listed),
        "unacknowledged_payments": orphans,
    }


APPEAL_NUMBER = re.compile(r"№ (\S+) ")


async def appeals(http: httpx.AsyncClient, s: Appeals, maildir: Path) -> dict[str, Any]:
    lost = 0
    for a in s.acked:
        r = await patiently(
            http, "GET", f"/api/v1/{s.tenant}/appeals/{a['id']}", headers=bearer(a["token"])
        )
        lost += r.status_code != 200
    numbers = {a["number"] for a in s.acked}
    mails: Counter[str] = Counter()
    for path in maildir.glob("*.eml"):
        subject = str(email.message_from_bytes(path.read_bytes(), policy=default_policy)["Subject"])
        # One look per mail, not one per appeal: a soak leaves thousands of each.
        mails.update(n for n in APPEAL_NUMBER.findall(subject) if n in numbers)
    return {
        "acked": len(s.acked),
        "lost": lost,
        "emails_missing": sum(1 for n in numbers if mails[n] == 0),
        "duplicates": sum(n - 1 for n in mails.values() if n > 1),
    }


async def check_all(http: httpx.AsyncClient, all_streams: list[Stream], maildir: Path) -> dict:
    found: dict[str, dict[str, Any]] = {}
    for s in all_streams:
        if isinstance(s, Signatures):
            found[s.name] = await signatures(http, s)
        elif isinstance(s, Votes):
            found[s.name] = await votes(http, s)
        elif isinstance(s, Bookings):
            found[s.name] = await bookings(http, s)
        elif isinstance(s, Payments):
            found[s.name] = await payments(http, s)
        elif isinstance(s, Appeals):
            found[s.name] = await appeals(http, s, maildir)
    return found
