"""Citizen data rights through the running suite (Law 2297-VI Art. 8): the export gathers what
appeals and notify hold about the caller; erasure leaves nothing personal except the appeals the
Law on Citizens' Appeals requires the council to keep, and says so; nobody sees anyone else's
data, and erasure in one council leaves another council's data alone."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import appeal_body
from tests.e2e.retrying import send
from tests.stack import Gateway, Mailbox, wait_for

pytestmark = pytest.mark.e2e
A, B = "chernivtsi", "uzhhorod"
EMAIL_TIMEOUT_S = 60


def file_appeal(gateway: Gateway, tenant: str, headers: dict[str, str], **body: Any) -> dict:
    response = send(
        gateway,
        "POST",
        f"/api/v1/{tenant}/appeals",
        json=appeal_body(**body),
        headers={**headers, "Idempotency-Key": f"key-{body['email']}-{tenant}"},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def export(gateway: Gateway, tenant: str, headers: dict[str, str]) -> dict[str, Any]:
    """A complete export (a service restarted by someone else makes one `complete: false`)."""

    def complete() -> dict[str, Any] | None:
        response = send(gateway, "GET", f"/api/v1/{tenant}/me/export", headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json()) if response.json()["complete"] else None

    return wait_for(complete, 60, interval_s=1, what="a complete export")


def erase(gateway: Gateway, tenant: str, headers: dict[str, str]) -> dict[str, Any]:
    """A complete erasure; repeating it is safe, so a restarting service is simply retried."""

    def complete() -> dict[str, Any] | None:
        response = send(gateway, "DELETE", f"/api/v1/{tenant}/me", headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json()) if response.json()["complete"] else None

    return wait_for(complete, 60, interval_s=1, what="a complete erasure")


def delivered(gateway: Gateway, tenant: str, headers: dict[str, str]) -> dict[str, Any] | None:
    """The export once notify has recorded the sent email (at-least-once, so we wait)."""
    found = export(gateway, tenant, headers)
    sent = [d for d in found["services"]["notify"]["deliveries"] if d["status"] == "sent"]
    return found if sent else None


@pytest.fixture
def citizen(gateway: Gateway, unique: str) -> dict[str, Any]:
    sub = f"rights-{unique}"
    return {
        "sub": sub,
        "email": f"olena.{unique}@example.ua",
        "headers": gateway.citizen(sub, name=f"Олена Коваль {unique}"),
    }


def test_export_erase_export_keeps_only_the_legally_retained_appeals(
    gateway: Gateway, mailbox: Mailbox, citizen: dict[str, Any], unique: str
) -> None:
    headers, email = citizen["headers"], citizen["email"]
    appeal = file_appeal(gateway, A, headers, email=email, subject=f"Права {unique}")
    wait_for(lambda: mailbox.containing(appeal["number"], email), EMAIL_TIMEOUT_S, what="the email")
    before = wait_for(lambda: delivered(gateway, A, headers), 30, what="the delivery")

    # One document, answered by the gateway itself (not proxied to a service called "me").
    assert before["format"] == "hromada.personal-data-export.v1"
    assert before["subject"] == citizen["sub"] and before["tenant"] == A
    assert before["complete"] is True
    statuses = {e["service"]: e["status"] for e in before["manifest"]}
    assert statuses["appeals"] == statuses["notify"] == "included"
    # The other services answered (nothing of this citizen's is in them, as checked below).
    assert {statuses[s] for s in ("petitions", "budget", "queue", "payments")} <= {
        "nothing held",
        "included",
    }
    (mine,) = before["services"]["appeals"]["appeals"]
    assert mine["id"] == appeal["id"] and mine["email"] == email
    assert mine["citizen_name"] == f"Олена Коваль {unique}" and mine["retained_until"]
    assert [k["key"] for k in before["services"]["appeals"]["idempotency_keys"]] == [
        f"key-{email}-{A}"
    ]
    notices = {d["channel"]: d for d in before["services"]["notify"]["deliveries"]}
    assert set(notices) == {"email", "inbox"}  # the default channels
    assert notices["email"]["recipient"] == email
    assert notices["email"]["subject_ref"]["appeal_id"] == appeal["id"]
    assert before["services"]["notify"]["preferences"]["email_address"] == email

    report = erase(gateway, A, headers)
    by_service = {e["service"]: e for e in report["manifest"]}
    assert by_service["notify"]["erased"] == {
        "deliveries_anonymised": 2,
        "inbox_items_deleted": 1,
        "preferences_deleted": True,
    }
    assert by_service["appeals"]["erased"] == {"idempotency_keys": 1}
    (retained,) = report["retained"]
    assert retained["service"] == "appeals" and retained["count"] == 1
    assert "393/96" in retained["reason"]["en"] and "393/96" in retained["reason"]["uk"]

    after = export(gateway, A, headers)
    assert after["services"]["notify"] == {"deliveries": [], "preferences": None, "inbox": []}
    assert after["services"]["appeals"]["idempotency_keys"] == []
    assert [a["id"] for a in after["services"]["appeals"]["appeals"]] == [appeal["id"]]
    assert after["retained"] == report["retained"]
    # Nothing personal anywhere but in the retained appeals.
    outside_appeals = {s: d for s, d in after["services"].items() if s != "appeals"}
    text = json.dumps(outside_appeals, ensure_ascii=False)
    assert email not in text and unique not in text and appeal["id"] not in text


def test_erasure_is_idempotent(gateway: Gateway, citizen: dict[str, Any]) -> None:
    for _ in range(2):
        response = send(gateway, "DELETE", f"/api/v1/{A}/me", headers=citizen["headers"])
        assert response.status_code == 200 and response.json()["retained"] == []


def test_another_citizens_export_never_holds_the_first_citizens_data(
    gateway: Gateway, mailbox: Mailbox, citizen: dict[str, Any], unique: str
) -> None:
    appeal = file_appeal(gateway, A, citizen["headers"], email=citizen["email"])
    wait_for(lambda: delivered(gateway, A, citizen["headers"]), EMAIL_TIMEOUT_S, what="delivery")

    stranger = export(gateway, A, gateway.citizen(f"stranger-{unique}", name="Петро Іваненко"))

    text = json.dumps(stranger, ensure_ascii=False)
    for secret in (citizen["sub"], citizen["email"], appeal["id"], appeal["number"]):
        assert secret not in text
    assert stranger["services"]["appeals"]["appeals"] == []
    assert stranger["services"]["notify"]["deliveries"] == []


def test_erasure_in_one_council_leaves_the_other_councils_data(
    gateway: Gateway, citizen: dict[str, Any], unique: str
) -> None:
    headers, email = citizen["headers"], citizen["email"]
    file_appeal(gateway, A, headers, email=email)
    in_b = file_appeal(gateway, B, headers, email=email, address="м. Ужгород, пл. Театральна, 1")
    wait_for(lambda: delivered(gateway, B, headers), EMAIL_TIMEOUT_S, what="delivery in B")

    erase(gateway, A, headers)

    still_in_b = export(gateway, B, headers)
    assert [a["id"] for a in still_in_b["services"]["appeals"]["appeals"]] == [in_b["id"]]
    recipients = {d["recipient"] for d in still_in_b["services"]["notify"]["deliveries"]}
    assert email in recipients
    assert len(still_in_b["services"]["appeals"]["idempotency_keys"]) == 1


def test_export_and_erasure_need_a_token(gateway: Gateway) -> None:
    assert send(gateway, "GET", f"/api/v1/{A}/me/export").status_code == 401
    assert send(gateway, "DELETE", f"/api/v1/{A}/me").status_code == 401
