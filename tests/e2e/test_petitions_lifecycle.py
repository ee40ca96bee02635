"""Local e-petitions through the gateway on the real stack (Law 393/96-ВР Art. 23-1): the whole
lifecycle with every illegal transition, the acr and residency rules, another council's staff,
public lists and search without signers, the staff's CSV, settings, figures and the events on
Kafka. Each test works in a council of its own, onboarded for it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.retrying import send
from tests.stack import Gateway, assert_problem, topic_records, wait_for

pytestmark = pytest.mark.e2e
TOPIC = "hromada.petitions.petition"


class Council:
    """A fresh council with its staff, and citizens on demand."""

    def __init__(self, gateway: Gateway, **settings: Any) -> None:
        self.gateway = gateway
        self.slug = f"pe-{uuid.uuid4().hex[:10]}"
        admin = gateway.token(sub=f"cdto-{self.slug}", roles=["platform_admin"])
        self.platform_admin = {"Authorization": f"Bearer {admin}"}
        body = {
            "slug": self.slug,
            "name": {"uk": "Петиційна тестова рада", "en": "Petitions test council"},
            "timezone": "Europe/Kyiv",
            "locale": "uk",
            "settings": {"rate_limits": {"sensitive_writes_per_minute": 1000}, **settings},
        }
        created = send(
            gateway, "POST", "/api/v1/platform/tenants", json=body, headers=self.platform_admin
        )
        assert created.status_code == 201, created.text
        self.admin = gateway.staff(f"admin-{self.slug}", self.slug, "tenant_admin")
        self.official = gateway.staff(f"official-{self.slug}", self.slug)
        self.base = f"/api/v1/{self.slug}/petitions"

    def citizen(self, name: str = "Олена Коваль", **claims: Any) -> dict[str, str]:
        return self.gateway.citizen(f"c-{uuid.uuid4().hex}", name, **claims)

    def call(self, method: str, path: str = "", **kwargs: Any) -> httpx.Response:
        return send(self.gateway, method, f"{self.base}{path}", **kwargs)

    def configure(self, **rules: Any) -> None:
        r = self.call("PUT", "/settings", json=rules, headers=self.admin)
        assert r.status_code == 200, r.text

    def file(self, author: dict[str, str], title: str = "Облаштувати сквер") -> dict[str, Any]:
        body = {"title": title, "text": "Прошу облаштувати сквер біля школи №5."}
        r = self.call("POST", json=body, headers=author)
        assert r.status_code == 201, r.text
        return dict(r.json())

    def published(self, author: dict[str, str], title: str = "Облаштувати сквер") -> str:
        petition_id = str(self.file(author, title)["id"])
        r = self.call("POST", f"/{petition_id}/publish", headers=self.official)
        assert r.status_code == 200, r.text
        return petition_id


def petition_events(petition_id: str, wanted: int, timeout_s: float = 60.0) -> list[dict[str, Any]]:
    """The envelopes about one petition on its topic, read from the start (and 2 s more: a
    duplicate would arrive with the rest)."""
    return [e for _, e in topic_records(TOPIC, petition_id, wanted, timeout_s, settle_s=2)]


@pytest.fixture
def council(gateway: Gateway) -> Council:
    return Council(gateway)


def test_art23_1_lifecycle_from_filing_to_answer_with_every_illegal_transition(
    council: Council,
) -> None:
    council.configure(threshold=4, collection_days=30)
    author = council.citizen(email="olena@example.ua")
    assert_problem(
        council.call("POST", json={"title": "x", "text": "y"}, headers=council.citizen(acr="low")),
        403,
    )
    filed = council.file(author)
    petition_id = filed["id"]
    assert filed["status"] == "moderation" and filed["signature_count"] == 1
    assert filed["moderation_overdue"] is False

    # In moderation: its author and the staff see it, nobody else; nothing but moderation.
    assert_problem(council.call("GET", f"/{petition_id}"), 404)
    assert council.call("GET", f"/{petition_id}", headers=author).json()["status"] == "moderation"
    queue = council.call("GET", "?status=moderation", headers=council.official).json()["items"]
    assert [(p["id"], p["moderation_overdue"]) for p in queue] == [(petition_id, False)]
    assert_problem(council.call("GET", "?status=moderation"), 422, "status")
    assert_problem(
        council.call("POST", f"/{petition_id}/signatures", headers=council.citizen()), 409, "status"
    )
    answer = {"decision": "supported", "text": "Підтримано"}
    assert_problem(
        council.call("POST", f"/{petition_id}/response", json=answer, headers=council.official),
        409,
        "status",
    )
    assert_problem(council.call("POST", f"/{petition_id}/publish", headers=author), 403)

    published = council.call("POST", f"/{petition_id}/publish", headers=council.official)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "collecting"
    assert published.json()["threshold"] == 4 and published.json()["deadline_at"]
    assert_problem(
        council.call("POST", f"/{petition_id}/publish", headers=council.official), 409, "status"
    )
    assert_problem(
        council.call(
            "POST", f"/{petition_id}/reject", json={"reason": "x"}, headers=council.official
        ),
        409,
        "status",
    )
    assert_problem(
        council.call("POST", f"/{petition_id}/response", json=answer, headers=council.official), 409
    )

    # Signing: the author already counts; low assurance is refused; one per person.
    problem = assert_problem(
        council.call("POST", f"/{petition_id}/signatures", headers=author), 409
    )
    assert "Already signed" in problem["detail"] and "Підпис уже враховано" in problem["detail"]
    low = council.citizen(acr="low")
    assert_problem(council.call("POST", f"/{petition_id}/signatures", headers=low), 403)
    for _ in range(3):
        signed = council.call("POST", f"/{petition_id}/signatures", headers=council.citizen())
        assert signed.status_code == 201, signed.text

    def considered() -> dict[str, Any] | None:
        body: dict[str, Any] = council.call("GET", f"/{petition_id}").json()
        return body if body["status"] == "under_consideration" else None

    petition = wait_for(considered, 30, what="the threshold to be reached")
    assert petition["signature_count"] == 4 and petition["response_due_at"]
    assert "signers" not in json.dumps(petition["response_text"] or "")
    assert_problem(
        council.call("POST", f"/{petition_id}/signatures", headers=council.citizen()), 409, "status"
    )

    other = Council(council.gateway)
    assert_problem(
        council.call("POST", f"/{petition_id}/response", json=answer, headers=other.official), 403
    )
    assert_problem(
        council.call(
            "POST",
            f"/{petition_id}/response",
            json={"decision": "maybe", "text": "x"},
            headers=council.official,
        ),
        422,
        "decision",
    )
    answered = council.call(
        "POST", f"/{petition_id}/response", json=answer, headers=council.official
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered" and answered.json()["decision"] == "supported"
    assert_problem(
        council.call("POST", f"/{petition_id}/response", json=answer, headers=council.official),
        409,
        "status",
    )

    events = petition_events(petition_id, wanted=7)
    types = [e["type"].split(".")[2] for e in events]
    assert sorted(types) == sorted(
        ["published", *["milestone_reached"] * 4, "threshold_reached", "answered"]
    )
    milestones = sorted(
        e["data"]["percent"] for e in events if e["type"].endswith("milestone_reached.v1")
    )
    assert milestones == [25, 50, 75, 100]
    published_event = next(e for e in events if e["type"].endswith("published.v1"))
    assert published_event["tenant"] == council.slug
    assert published_event["data"]["author_email"] == "olena@example.ua"
    assert published_event["data"]["threshold"] == 4


def test_rejection_in_moderation_keeps_the_petition_out_of_public_view(council: Council) -> None:
    author = council.citizen()
    petition_id = council.file(author)["id"]
    assert_problem(
        council.call(
            "POST", f"/{petition_id}/reject", json={"reason": " "}, headers=council.official
        ),
        422,
        "reason",
    )
    rejected = council.call(
        "POST",
        f"/{petition_id}/reject",
        json={"reason": "Немає суті петиції"},
        headers=council.official,
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert_problem(
        council.call("POST", f"/{petition_id}/publish", headers=council.official), 409, "status"
    )
    assert_problem(council.call("GET", f"/{petition_id}"), 404)
    mine = council.call("GET", f"/{petition_id}", headers=author).json()
    assert mine["rejection_reason"] == "Немає суті петиції"
    (event,) = petition_events(petition_id, wanted=1)
    assert event["type"] == "petitions.petition.rejected.v1"
    assert event["data"]["reason"] == "Немає суті петиції"


def test_filing_again_with_the_same_idempotency_key_replays_the_first_petition(
    council: Council,
) -> None:
    author = council.citizen()
    body = {"title": "Освітлення парку", "text": "Прошу встановити ліхтарі в парку."}
    headers = {**author, "Idempotency-Key": f"k-{uuid.uuid4().hex}"}
    first = council.call("POST", json=body, headers=headers)
    again = council.call("POST", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    other_body = council.call("POST", json={**body, "title": "Інше"}, headers=headers)
    assert_problem(other_body, 422, "Idempotency-Key")
    mine = council.call("GET", "?status=moderation", headers=council.official).json()["items"]
    assert [p["id"] for p in mine] == [first.json()["id"]]


def test_a_read_right_after_a_status_change_shows_the_new_status(council: Council) -> None:
    """GET is answered from a short read cache; the service's own status change drops it, so
    the very next read (one replica here) sees the change, and the access rule still applies
    to what is cached."""
    author = council.citizen()
    petition_id = council.file(author)["id"]
    for _ in range(3):  # read it into the cache as the author sees it
        mine = council.call("GET", f"/{petition_id}", headers=author)
        assert mine.status_code == 200 and mine.json()["status"] == "moderation"
    assert_problem(council.call("GET", f"/{petition_id}", headers=council.citizen()), 404)
    published = council.call("POST", f"/{petition_id}/publish", headers=council.official)
    assert published.status_code == 200, published.text
    public = council.call("GET", f"/{petition_id}")
    assert public.status_code == 200, public.text
    assert public.json()["status"] == "collecting" and public.json()["deadline_at"]
    assert "moderation_due_at" not in public.json()  # the privileged view is per request
