"""The walking skeleton: a citizen's appeal travels gateway -> appeals -> Kafka -> notify ->
a real email, in one trace; crashes and outages lose nothing and duplicate nothing."""

from __future__ import annotations

import re
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import appeal_body
from tests.stack import Gateway, Mailbox, stack, wait_for

pytestmark = pytest.mark.e2e
EMAIL_TIMEOUT_S = 60


def submit(gateway: Gateway, headers: dict[str, str], tenant: str = "chernivtsi", **body: Any):
    return gateway.http.post(f"/api/v1/{tenant}/appeals", json=appeal_body(**body), headers=headers)


def test_appeal_reaches_the_citizen_by_email_in_one_trace(
    gateway: Gateway, mailbox: Mailbox, traces: httpx.Client, unique: str
) -> None:
    trace_id = secrets.token_hex(16)
    headers = {
        **gateway.citizen(f"citizen-{unique}"),
        "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01",
    }
    response = submit(gateway, headers, subject=f"Освітлення {unique}")

    assert response.status_code == 201, response.text
    appeal = response.json()
    assert appeal["status"] == "registered"
    assert re.fullmatch(r"CHERNIVTSI-\d{4}-\d+", appeal["number"])
    received = datetime.fromisoformat(appeal["received_at"])
    due = datetime.fromisoformat(appeal["due_at"])
    assert timedelta(days=28) <= due - received <= timedelta(days=31)  # Art. 20: one month
    assert response.headers["x-request-id"]

    mails = wait_for(
        lambda: mailbox.containing(appeal["number"], unique), EMAIL_TIMEOUT_S, what="the email"
    )
    assert len(mails) == 1
    text = Mailbox.text_of(mails[0])
    assert mails[0]["To"] == "olena.koval@example.ua"
    assert "зареєстровано" in text and "registered" in text
    assert due.strftime("%d.%m.%Y") in text or appeal["number"] in text

    def services_in_trace() -> set[str] | None:
        found = traces.get(f"/api/traces/{trace_id}")
        if found.status_code != 200 or not found.json().get("data"):
            return None
        data = found.json()["data"][0]
        names = {p["serviceName"] for p in data["processes"].values()}
        return names if {"gateway", "appeals", "notify"} <= names else None

    assert {"gateway", "appeals", "notify"} <= wait_for(
        services_in_trace, 30, interval_s=1, what="one trace with gateway, appeals and notify"
    )

    own = gateway.http.get(f"/api/v1/chernivtsi/appeals/{appeal['id']}", headers=headers)
    assert own.status_code == 200
    assert own.json()["number"] == appeal["number"]


def test_killed_notify_sends_exactly_one_email_after_restart(
    gateway: Gateway, mailbox: Mailbox, unique: str
) -> None:
    response = submit(gateway, gateway.citizen(f"citizen-{unique}"), subject=f"Crash {unique}")
    assert response.status_code == 201, response.text
    number = response.json()["number"]
    stack("stop", "--kill", "notify")
    try:
        time.sleep(1)  # let the outbox relay publish while notify is dead
    finally:
        stack("start", "notify")
    wait_for(lambda: mailbox.containing(number, unique), EMAIL_TIMEOUT_S, what="the email")
    # A second delivery would come from a redelivered offset within a few seconds.
    time.sleep(5)
    assert len(mailbox.containing(number, unique)) == 1


def test_appeal_accepted_while_kafka_is_down_is_emailed_after_it_returns(
    gateway: Gateway, mailbox: Mailbox, unique: str
) -> None:
    headers = gateway.citizen(f"citizen-{unique}")
    stack("stop", "kafka")
    try:
        response = submit(gateway, headers, subject=f"Outage {unique}")
        assert response.status_code == 201, response.text
        number = response.json()["number"]
        assert mailbox.containing(number, unique) == []
    finally:
        stack("start", "kafka")
    wait_for(
        lambda: mailbox.containing(number, unique), 120, interval_s=1, what="the email after Kafka"
    )
    assert len(mailbox.containing(number, unique)) == 1


def test_concurrent_appeals_get_gap_free_unique_numbers(gateway: Gateway, unique: str) -> None:
    # Thirty citizens at once (one citizen alone would meet the per-user rate limit).
    citizens = [gateway.citizen(f"citizen-{unique}-{i}") for i in range(30)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(
            pool.map(
                lambda i: submit(
                    gateway, citizens[i], tenant="kamianske", subject=f"N{i} {unique}"
                ),
                range(30),
            )
        )
    assert [r.status_code for r in responses] == [201] * 30
    seqs = sorted(int(r.json()["number"].rsplit("-", 1)[1]) for r in responses)
    assert len(set(seqs)) == 30
    assert seqs == list(range(seqs[0], seqs[0] + 30))


def test_idempotency_key_replays_the_first_answer(gateway: Gateway, unique: str) -> None:
    headers = {**gateway.citizen(f"citizen-{unique}"), "Idempotency-Key": f"key-{unique}"}
    first = submit(gateway, headers, subject=f"Idem {unique}")
    again = submit(gateway, headers, subject=f"Idem {unique}")
    other = submit(gateway, headers, subject=f"Other body {unique}")
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("idempotent-replayed") == "true"
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_art8_a_likely_repeat_is_flagged_for_the_official_not_refused(
    gateway: Gateway, unique: str
) -> None:
    headers = gateway.citizen(f"citizen-{unique}")
    first = submit(gateway, headers, subject=f"Ремонт дороги вулиця Головна {unique}")
    again = submit(gateway, headers, subject=f"ремонт дороги, вулиця Головна {unique}!")
    other = submit(
        gateway,
        gateway.citizen(f"other-{unique}"),
        subject=f"Ремонт дороги вулиця Головна {unique}",
    )
    assert first.status_code == again.status_code == other.status_code == 201
    assert first.json().get("possible_repeat_of") is None
    assert again.json()["possible_repeat_of"]["number"] == first.json()["number"]
    assert (
        other.json().get("possible_repeat_of") is None
    )  # another citizen's appeal is not a repeat
