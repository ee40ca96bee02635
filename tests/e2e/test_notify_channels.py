"""Notify on the real stack: preferences choose the channels (email, SMS, messenger, inbox),
an opt-out suppresses, an SMS provider outage fails over, a council edits its templates (a
broken one is refused on save), and hromada news reaches the feed and the subscribers.
The SMS and messenger providers are the local stack's sinks (notify_sinks)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import appeal_body
from tests.e2e.test_budget_helpers import advance, create_cycle, review, submit, voter
from tests.e2e.test_queue_booking import (  # its office fixture retires our office too
    auth,
    book,
    make_office,
    retire_test_offices,  # noqa: F401
    slots,
)
from tests.integration.queue.offices import citizen_claims, visit_day
from tests.stack import Gateway, Mailbox, stack, wait_for

pytestmark = pytest.mark.e2e
TIMEOUT_S = 60


@pytest.fixture(scope="module")
def sinks(status: dict[str, Any]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=status["notify_sinks"]["url"], timeout=10) as client:
        yield client


def set_preferences(
    gateway: Gateway, tenant: str, headers: dict[str, str], **prefs: Any
) -> httpx.Response:
    return gateway.http.put(f"/api/v1/{tenant}/notify/preferences", json=prefs, headers=headers)


def file_appeal(gateway: Gateway, tenant: str, headers: dict[str, str], **body: Any) -> str:
    response = gateway.http.post(
        f"/api/v1/{tenant}/appeals", json=appeal_body(**body), headers=headers
    )
    assert response.status_code == 201, response.text
    return str(response.json()["number"])


def inbox(gateway: Gateway, tenant: str, headers: dict[str, str], **params: Any) -> list[dict]:
    response = gateway.http.get(f"/api/v1/{tenant}/notify/inbox", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def field_errors(response: httpx.Response) -> set[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return {e["field"] for e in response.json().get("errors", [])}


def test_bad_preferences_are_refused_naming_the_field(gateway: Gateway, unique: str) -> None:
    headers = gateway.citizen(f"prefs-{unique}")
    quiet = set_preferences(
        gateway, "chernivtsi", headers, quiet_hours={"start": "25:00", "end": "07:00"}
    )
    assert quiet.status_code == 422 and field_errors(quiet) == {"quiet_hours.start"}
    telegram = set_preferences(gateway, "chernivtsi", headers, telegram=True)
    assert telegram.status_code == 422 and field_errors(telegram) == {"telegram_chat_id"}
    assert gateway.http.get("/api/v1/chernivtsi/notify/preferences", headers=headers).json()[
        "email"
    ]  # nothing half-written: still the defaults


def test_a_citizen_is_told_by_every_channel_they_chose(
    gateway: Gateway, mailbox: Mailbox, sinks: httpx.Client, unique: str
) -> None:
    headers = gateway.citizen(f"all-{unique}")
    phone = "+38050" + str(uuid.uuid4().int)[:7]
    chat = f"chat-{unique}"
    saved = set_preferences(
        gateway, "chernivtsi", headers, sms=True, telegram=True, telegram_chat_id=chat, phone=phone
    )
    assert saved.status_code == 200, saved.text
    number = file_appeal(gateway, "chernivtsi", headers, subject=f"Канали {unique}", phone=phone)

    sms = wait_for(lambda: sinks.get("/sms/messages", params={"to": phone}).json(), TIMEOUT_S)
    assert len(sms) == 1 and number in sms[0]["text"] and sms[0]["provider"] == "primary"
    telegram = wait_for(
        lambda: sinks.get("/telegram/messages", params={"chat_id": chat}).json(), TIMEOUT_S
    )
    assert len(telegram) == 1 and number in telegram[0]["text"]
    assert wait_for(lambda: mailbox.containing(number, unique), TIMEOUT_S)
    items = wait_for(lambda: inbox(gateway, "chernivtsi", headers), TIMEOUT_S)
    assert len(items) == 1 and number in items[0]["subject"] and not items[0]["read"]

    read = gateway.http.post(
        f"/api/v1/chernivtsi/notify/inbox/{items[0]['id']}/read", headers=headers
    )
    assert read.status_code == 204
    assert inbox(gateway, "chernivtsi", headers)[0]["read"] is True
    stranger = gateway.citizen(f"stranger-{unique}")
    assert inbox(gateway, "chernivtsi", stranger) == []  # another citizen sees none of it
    theirs = gateway.http.post(
        f"/api/v1/chernivtsi/notify/inbox/{items[0]['id']}/read", headers=stranger
    )
    assert theirs.status_code == 404


def test_an_email_opt_out_suppresses_email_and_the_log_says_so(
    gateway: Gateway, mailbox: Mailbox, unique: str
) -> None:
    headers = gateway.citizen(f"optout-{unique}")
    assert set_preferences(gateway, "uzhhorod", headers, email=False).status_code == 200
    number = file_appeal(gateway, "uzhhorod", headers, subject=f"Без пошти {unique}")
    assert wait_for(lambda: inbox(gateway, "uzhhorod", headers), TIMEOUT_S)

    def logged() -> dict[str, str] | None:
        answer = gateway.http.get("/api/v1/uzhhorod/notify/me/deliveries", headers=headers)
        found = {d["channel"]: d["status"] for d in answer.json()["items"]}
        return found if "email" in found else None

    assert wait_for(logged, TIMEOUT_S) == {"email": "suppressed", "inbox": "sent"}
    assert mailbox.containing(number, unique) == []


def test_an_sms_provider_outage_fails_over_to_the_next_provider(
    gateway: Gateway, sinks: httpx.Client, unique: str
) -> None:
    headers = gateway.citizen(f"failover-{unique}")
    phone = "+38067" + str(uuid.uuid4().int)[:7]
    assert set_preferences(gateway, "kamianske", headers, sms=True, phone=phone).status_code == 200
    assert sinks.put("/sms/primary/outage", json={"down": True}).status_code == 200
    try:
        number = file_appeal(gateway, "kamianske", headers, subject=f"Збій {unique}", phone=phone)
        sms = wait_for(lambda: sinks.get("/sms/messages", params={"to": phone}).json(), TIMEOUT_S)
    finally:
        sinks.put("/sms/primary/outage", json={"down": False})
    assert [m["provider"] for m in sms] == ["secondary"] and number in sms[0]["text"]


@pytest.fixture
def council(gateway: Gateway) -> str:
    """A fresh council of its own, so changing its templates touches no other test."""
    slug = f"n9-{uuid.uuid4().hex[:10]}"
    admin = gateway.token(sub=f"cdto-{slug}", name="CDTO", roles=["platform_admin"])
    body = {
        "slug": slug,
        "name": {"uk": "Тестова селищна рада", "en": "Test Settlement Council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
    }
    response = gateway.http.post(
        "/api/v1/platform/tenants", json=body, headers={"Authorization": f"Bearer {admin}"}
    )
    assert response.status_code == 201, response.text
    return slug


def test_a_council_edits_its_templates_and_a_broken_one_is_refused_on_save(
    gateway: Gateway, mailbox: Mailbox, council: str, unique: str
) -> None:
    admin = gateway.staff(f"admin-{unique}", council, role="tenant_admin")
    path = f"/api/v1/{council}/notify/templates/appeals.appeal.registered.v1/uk"
    broken = gateway.http.put(
        path, json={"subject": "№ {{ number }}", "text": "ПІН: {{ citizen_pin }}"}, headers=admin
    )
    assert broken.status_code == 422 and field_errors(broken) == {"text"}
    assert "citizen_pin" in broken.json()["errors"][0]["message"]

    own = {
        "subject": "Рада прийняла № {{ number }}",
        "text": f"{unique}: до {{{{ due_at | date }}}}",
    }
    preview = gateway.http.post(f"{path}/preview", json=own, headers=admin)
    assert preview.status_code == 201 and preview.json()["subject"].startswith("Рада прийняла")
    assert gateway.http.put(path, json=own, headers=admin).status_code == 200

    other_admin = gateway.staff(f"admin-{unique}", "chernivtsi", role="tenant_admin")
    assert gateway.http.put(path, json=own, headers=other_admin).status_code == 403
    official = gateway.staff(f"official-{unique}", council)
    assert gateway.http.put(path, json=own, headers=official).status_code == 403

    number = file_appeal(gateway, council, gateway.citizen(f"c-{unique}"), subject=f"Т {unique}")
    (mail,) = wait_for(lambda: mailbox.containing(f"Рада прийняла № {number}"), TIMEOUT_S)
    assert Mailbox.text_of(mail).startswith(f"{unique}: до ")


def test_news_reaches_the_public_feed_and_the_councils_subscribers(
    gateway: Gateway, mailbox: Mailbox, council: str, unique: str
) -> None:
    reader = gateway.citizen(f"reader-{unique}", email=f"reader-{unique}@example.ua")
    assert set_preferences(gateway, council, reader).status_code == 200
    official = gateway.staff(f"official-{unique}", council)
    news = {"title": f"Вода {unique}", "body": "Завтра з 9:00 до 12:00 не буде води."}

    citizen_try = gateway.http.post(f"/api/v1/{council}/notify/news", json=news, headers=reader)
    assert citizen_try.status_code == 403
    outsider = gateway.staff(f"official-{unique}", "chernivtsi")
    outsider_try = gateway.http.post(f"/api/v1/{council}/notify/news", json=news, headers=outsider)
    assert outsider_try.status_code == 403
    empty = gateway.http.post(
        f"/api/v1/{council}/notify/news", json={**news, "title": " "}, headers=official
    )
    assert empty.status_code == 422 and field_errors(empty) == {"title"}

    published = gateway.http.post(f"/api/v1/{council}/notify/news", json=news, headers=official)
    assert published.status_code == 201, published.text
    feed = gateway.http.get(f"/api/v1/{council}/notify/news").json()["items"]  # anonymous
    assert [n["title"] for n in feed] == [news["title"]]

    (mail,) = wait_for(lambda: mailbox.containing(news["title"]), TIMEOUT_S)
    assert mail["To"] == f"reader-{unique}@example.ua"
    items = wait_for(lambda: inbox(gateway, council, reader), TIMEOUT_S)
    assert [i["subject"] for i in items] == [news["title"]]


def test_a_booked_and_then_cancelled_asc_visit_is_told_by_email_and_inbox(
    gateway: Gateway, mailbox: Mailbox, unique: str
) -> None:
    email = f"visit-{unique}@example.ua"
    headers = auth(gateway, citizen_claims(email=email))
    oid = make_office(gateway, windows=1)
    start = slots(gateway, oid, "fop-registration", visit_day().isoformat())[2]["start"]
    booked = book(gateway, headers, oid, start)
    assert booked.status_code == 201, booked.text
    (created,) = wait_for(lambda: mailbox.containing("Запис до ЦНАП", email), TIMEOUT_S)
    assert "реєстрація фізичної особи" in Mailbox.text_of(created)  # the service booked

    cancel = gateway.http.post(
        f"/api/v1/kamianske/queue/bookings/{booked.json()['id']}/cancel", headers=headers
    )
    assert cancel.status_code == 200, cancel.text
    assert wait_for(lambda: mailbox.containing("скасовано", email), TIMEOUT_S)
    subjects = [i["subject"] for i in wait_for(lambda: inbox(gateway, "kamianske", headers), 30)]
    assert any("Запис до ЦНАП" in s for s in subjects)


def test_a_successful_payment_is_told_with_its_receipt_link(gateway: Gateway, unique: str) -> None:
    payer = gateway.citizen(f"payer-{unique}")
    created = gateway.http.post(
        "/api/v1/chernivtsi/payments",
        json={"purpose": "service", "reference": "passport-id", "amount": 34500, "currency": "UAH"},
        headers={**payer, "Idempotency-Key": f"notify-{unique}"},
    )
    assert created.status_code == 201, created.text
    paid = httpx.post(created.json()["checkout_url"], json={"result": "success"}, timeout=30)
    assert paid.status_code == 200, paid.text

    (item,) = wait_for(lambda: inbox(gateway, "chernivtsi", payer), TIMEOUT_S)
    assert item["subject"].startswith("Оплату 345.00 грн зараховано")
    assert f"/payments/{created.json()['id']}/receipt" in item["text"]


def test_notify_killed_mid_burst_loses_no_notice_and_sends_none_twice(
    gateway: Gateway, mailbox: Mailbox, unique: str
) -> None:
    headers = gateway.citizen(f"burst-{unique}")
    numbers = [
        file_appeal(gateway, "uzhhorod", headers, subject=f"Потік {unique} {i}") for i in range(4)
    ]
    stack("stop", "--kill", "notify")  # mid-burst: some of these may be half-handled
    try:
        numbers += [
            file_appeal(gateway, "uzhhorod", headers, subject=f"Потік {unique} {i}")
            for i in range(4, 8)
        ]
    finally:
        stack("start", "notify")

    def all_told() -> dict[str, int] | None:
        counts = {n: len(mailbox.containing(n, unique)) for n in numbers}
        return counts if all(counts.values()) else None

    assert wait_for(all_told, 120, interval_s=1) == dict.fromkeys(numbers, 1)


def test_petition_and_budget_news_reach_authors_and_the_public_feed(
    gateway: Gateway, unique: str
) -> None:
    author = gateway.citizen(f"author-{unique}")
    filed = gateway.http.post(
        "/api/v1/chernivtsi/petitions",
        json={"title": f"Сквер {unique}", "text": "Просимо облаштувати сквер біля школи."},
        headers=author,
    )
    assert filed.status_code == 201, filed.text
    official = gateway.staff(f"official-{unique}", "chernivtsi")
    published = gateway.http.post(
        f"/api/v1/chernivtsi/petitions/{filed.json()['id']}/publish", headers=official
    )
    assert published.status_code == 200, published.text
    told = wait_for(lambda: inbox(gateway, "chernivtsi", author), TIMEOUT_S)
    assert [i["subject"] for i in told] == [
        f'Петицію «Сквер {unique}» оприлюднено / Petition "Сквер {unique}" published'
    ]

    cycle_id = create_cycle(gateway, title=f"Бюджет {unique}")["id"]
    advance(gateway, cycle_id, "submission")
    project_author = voter(gateway)
    project = submit(gateway, cycle_id, project_author, 100, title=f"Лавки {unique}")
    assert project.status_code == 201, project.text
    advance(gateway, cycle_id, "review")
    assert review(gateway, project.json()["id"]).status_code == 200
    reviewed = wait_for(lambda: inbox(gateway, "chernivtsi", project_author), TIMEOUT_S)
    assert f"Лавки {unique}" in reviewed[0]["subject"]
    assert "допущено до голосування" in reviewed[0]["text"]

    advance(gateway, cycle_id, "voting")

    def announced() -> list[dict[str, Any]]:
        feed = gateway.http.get("/api/v1/chernivtsi/notify/news", params={"limit": 50}).json()
        return [n for n in feed["items"] if f"Бюджет {unique}" in n["body"]]

    (news,) = wait_for(announced, TIMEOUT_S)
    assert "голосування відкрито" in news["title"]
