"""The e-Reception's staff workflow on the real stack, through the gateway: file -> assign ->
extend (the citizen gets the new date by email) -> answer (email) -> rate; illegal transitions
are 409 naming the state; Art. 20 and Art. 7 limits are 422; other citizens and other
councils' officials see nothing; a tampered audit entry is detected; the staff list filters
and pages."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.appeals.domain import Actor, Appeal, AppealDraft, next_entry
from tests.e2e.conftest import appeal_body
from tests.stack import Gateway, Mailbox, assert_problem, wait_for

pytestmark = pytest.mark.e2e
TENANT = "chernivtsi"
BASE = f"/api/v1/{TENANT}/appeals"
EMAIL_TIMEOUT_S = 60


def file_appeal(gateway: Gateway, citizen: dict[str, str], **body: Any) -> dict[str, Any]:
    response = gateway.http.post(BASE, json=appeal_body(**body), headers=citizen)
    assert response.status_code == 201, response.text
    return dict(response.json())


def act(gateway: Gateway, who: dict[str, str], appeal_id: str, action: str, body: Any = None):
    return gateway.http.post(f"{BASE}/{appeal_id}/{action}", json=body, headers=who)


@pytest.fixture
def people(gateway: Gateway, unique: str) -> dict[str, dict[str, str]]:
    return {
        "citizen": gateway.citizen(f"citizen-{unique}"),
        "other": gateway.citizen(f"other-{unique}"),
        "official": gateway.staff(f"official-{unique}", TENANT),
        "foreign": gateway.staff(f"foreign-{unique}", "uzhhorod"),
    }


def test_whole_path_file_assign_extend_answer_rate(
    gateway: Gateway, mailbox: Mailbox, people: dict[str, dict[str, str]], unique: str
) -> None:
    email = f"walk-{unique}@example.ua"
    appeal = file_appeal(gateway, people["citizen"], subject=f"Тротуар {unique}", email=email)
    number, appeal_id = appeal["number"], appeal["id"]
    staff = people["official"]

    assigned = act(gateway, staff, appeal_id, "assign", {"department": "Управління ЖКГ"})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["status"] == "assigned"

    extended = act(gateway, staff, appeal_id, "extend", {"days": 7, "reason": f"Виїзд {unique}"})
    assert extended.status_code == 200, extended.text
    new_due = datetime.fromisoformat(extended.json()["due_at"])
    assert new_due - datetime.fromisoformat(appeal["due_at"]) == timedelta(days=7)
    local_due = new_due.astimezone(ZoneInfo("Europe/Kyiv")).strftime("%d.%m.%Y")
    (notice,) = wait_for(
        lambda: [m for m in mailbox.containing(number, email) if "продовжено" in str(m["Subject"])],
        EMAIL_TIMEOUT_S,
        what="the extension email",
    )
    text = Mailbox.text_of(notice)
    assert notice["To"] == email and local_due in text and f"Виїзд {unique}" in text

    answered = act(gateway, staff, appeal_id, "answer", {"text": f"Відремонтуємо {unique}."})
    assert answered.status_code == 200 and answered.json()["answered_at"]
    (answer_mail,) = wait_for(
        lambda: [m for m in mailbox.containing(number, email) if "Відповідь" in str(m["Subject"])],
        EMAIL_TIMEOUT_S,
        what="the answer email",
    )
    assert f"Відремонтуємо {unique}." in Mailbox.text_of(answer_mail)

    rated = gateway.http.post(
        f"{BASE}/{appeal_id}/rating", json={"score": 5}, headers=people["citizen"]
    )
    assert rated.status_code == 200, rated.text
    assert rated.json()["rating"]["score"] == 5

    seen = gateway.http.get(f"{BASE}/{appeal_id}", headers=people["citizen"]).json()
    assert [s["stage"] for s in seen["timeline"]] == [
        "registered",
        "assigned",
        "extended",
        "answered",
    ]
    assert all(s.get("official") is None for s in seen["timeline"])  # names hidden by default
    assert {s.get("department") for s in seen["timeline"][1:]} == {"Управління ЖКГ"}

    audit = gateway.http.get(f"{BASE}/{appeal_id}/audit", headers=staff)
    assert [e["action"] for e in audit.json()["items"]] == [
        "register",
        "assign",
        "extend",
        "answer",
        "rate",
    ]
    verified = gateway.http.get(f"{BASE}/{appeal_id}/audit/verify", headers=staff)
    assert verified.json() == {"valid": True, "first_broken_seq": None}


def test_each_illegal_transition_is_409_naming_the_current_state(
    gateway: Gateway, people: dict[str, dict[str, str]], unique: str
) -> None:
    staff = people["official"]
    appeal_id = file_appeal(gateway, people["citizen"], subject=f"Лавки {unique}")["id"]
    for action, body in (("close", None), ("reopen", {"reason": "скарга"})):
        problem = assert_problem(act(gateway, staff, appeal_id, action, body), 409)
        assert "'registered'" in problem["detail"]
    early = gateway.http.post(
        f"{BASE}/{appeal_id}/rating", json={"score": 3}, headers=people["citizen"]
    )
    assert "'registered'" in assert_problem(early, 409)["detail"]

    assert act(gateway, staff, appeal_id, "answer", {"text": "Встановимо."}).status_code == 200
    for action, body in (
        ("assign", {"department": "ЖКГ"}),
        ("extend", {"days": 1, "reason": "x"}),
        ("mark-simple", None),
        ("forward", {"to": "ОДА", "reason": "x"}),
        ("return", {"reason": "x"}),
        ("answer", {"text": "ще раз"}),
    ):
        problem = assert_problem(act(gateway, staff, appeal_id, action, body), 409)
        assert "'answered'" in problem["detail"], action

    assert act(gateway, staff, appeal_id, "close").status_code == 200
    assert "'closed'" in assert_problem(act(gateway, staff, appeal_id, "close"), 409)["detail"]
    reopened = act(gateway, staff, appeal_id, "reopen", {"reason": "Скарга на відповідь"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"


def test_art20_extension_beyond_45_days_is_422(
    gateway: Gateway, people: dict[str, dict[str, str]], unique: str
) -> None:
    appeal_id = file_appeal(gateway, people["citizen"], subject=f"Сквер {unique}")["id"]
    response = act(gateway, people["official"], appeal_id, "extend", {"days": 20, "reason": "x"})
    problem = assert_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["days"]
    simple = act(gateway, people["official"], appeal_id, "mark-simple")
    assert simple.status_code == 200 and simple.json()["simple"] is True


def test_art7_forward_and_return_after_5_days_are_422(
    gateway: Gateway, appeals_db: Any, people: dict[str, dict[str, str]], unique: str
) -> None:
    citizen_sub = f"citizen-{unique}"
    received = datetime.now(UTC) - timedelta(days=6)
    old = Appeal.register(
        AppealDraft(
            kind="statement",
            subject=f"Старе звернення {unique}",
            text="Текст",
            address="м. Чернівці",
            name="Олена Коваль",
            email="old@example.ua",
        ),
        tenant=TENANT,
        citizen_sub=citizen_sub,
        number=f"CHERNIVTSI-TEST-{unique}",
        received_at=received,
        timezone="Europe/Kyiv",
    )
    old.audit.append(next_entry([], received, Actor(citizen_sub, "citizen"), "register", {}))
    doc = asdict(old)
    doc["_id"] = doc.pop("id")
    appeals_db["appeals"].insert_one(doc)

    staff = people["official"]
    forward = act(gateway, staff, old.id, "forward", {"to": "ОДА", "reason": "не наше"})
    assert "Art. 7" in assert_problem(forward, 422)["detail"]
    returned = act(gateway, staff, old.id, "return", {"reason": "немає адреси"})
    assert_problem(returned, 422)

    fresh = file_appeal(gateway, people["citizen"], subject=f"Нове {unique}")["id"]
    ok = act(gateway, staff, fresh, "forward", {"to": "Чернівецька ОДА", "reason": "не наше"})
    assert ok.status_code == 200 and ok.json()["status"] == "forwarded"


def test_other_citizens_and_other_councils_staff_see_nothing(
    gateway: Gateway, people: dict[str, dict[str, str]], unique: str
) -> None:
    appeal_id = file_appeal(gateway, people["citizen"], subject=f"Приватне {unique}")["id"]
    for who in ("other", "foreign"):
        headers = people[who]
        assert gateway.http.get(f"{BASE}/{appeal_id}", headers=headers).status_code == 404
        assert gateway.http.get(f"{BASE}/{appeal_id}/audit", headers=headers).status_code == 404
        verify = gateway.http.get(f"{BASE}/{appeal_id}/audit/verify", headers=headers)
        assert verify.status_code == 404
        assign = act(gateway, headers, appeal_id, "assign", {"department": "x"})
        assert assign.status_code == 404
        listed = gateway.http.get(BASE, params={"text": f"Приватне {unique}"}, headers=headers)
        assert appeal_id not in [i["id"] for i in listed.json()["items"]]
        rating = gateway.http.post(f"{BASE}/{appeal_id}/rating", json={"score": 1}, headers=headers)
        assert rating.status_code == 404
    # The foreign official through their own council's path finds nothing either.
    foreign_path = f"/api/v1/uzhhorod/appeals/{appeal_id}"
    assert gateway.http.get(foreign_path, headers=people["foreign"]).status_code == 404
    # The author may read, but not act as staff nor read the audit trail.
    author = people["citizen"]
    assert act(gateway, author, appeal_id, "assign", {"department": "x"}).status_code == 403
    assert gateway.http.get(f"{BASE}/{appeal_id}/audit", headers=author).status_code == 403


def test_a_tampered_audit_entry_is_detected(
    gateway: Gateway, appeals_db: Any, people: dict[str, dict[str, str]], unique: str
) -> None:
    staff = people["official"]
    appeal_id = file_appeal(gateway, people["citizen"], subject=f"Аудит {unique}")["id"]
    assert act(gateway, staff, appeal_id, "assign", {"department": "ЖКГ"}).status_code == 200
    extend = act(gateway, staff, appeal_id, "extend", {"days": 3, "reason": "справжня причина"})
    assert extend.status_code == 200
    before = gateway.http.get(f"{BASE}/{appeal_id}/audit/verify", headers=staff).json()
    assert before == {"valid": True, "first_broken_seq": None}

    # Tamper once the relay has published (it rewrites the document when it clears the outbox).
    doc = wait_for(
        lambda: (d := appeals_db["appeals"].find_one({"_id": appeal_id})) and not d["outbox"] and d,
        30,
        what="the outbox to be published",
    )
    audit = doc["audit"]
    audit[1]["details"]["department"] = "Інший відділ"  # someone quietly re-routes history
    appeals_db["appeals"].update_one({"_id": appeal_id}, {"$set": {"audit": audit}})

    after = gateway.http.get(f"{BASE}/{appeal_id}/audit/verify", headers=staff).json()
    assert after == {"valid": False, "first_broken_seq": 2}


def test_staff_list_filters_and_pages_priority_first(
    gateway: Gateway, people: dict[str, dict[str, str]], unique: str
) -> None:
    staff = people["official"]
    department = f"Відділ {unique}"
    ids = []
    for word in ("перший", "другий", "третій"):
        subject = f"Ліхтар{unique} {word}"
        appeal_id = file_appeal(gateway, people["citizen"], subject=subject)["id"]
        assert (
            act(gateway, staff, appeal_id, "assign", {"department": department}).status_code == 200
        )
        ids.append(appeal_id)
    assert act(gateway, staff, ids[2], "priority", {"priority": True}).status_code == 200
    assert act(gateway, staff, ids[1], "answer", {"text": "Готово"}).status_code == 200

    first = gateway.http.get(BASE, params={"department": department, "limit": 2}, headers=staff)
    assert first.status_code == 200, first.text
    page = first.json()
    assert [i["id"] for i in page["items"]] == [ids[2], ids[0]]  # priority first, then due date
    assert page["items"][0]["priority"] is True and page["next_cursor"]
    second = gateway.http.get(
        BASE,
        params={"department": department, "limit": 2, "cursor": page["next_cursor"]},
        headers=staff,
    ).json()
    assert [i["id"] for i in second["items"]] == [ids[1]] and second["next_cursor"] is None

    answered = gateway.http.get(
        BASE, params={"department": department, "status": "answered"}, headers=staff
    ).json()
    assert [i["id"] for i in answered["items"]] == [ids[1]]
    by_text = gateway.http.get(
        BASE, params={"text": f"ліхтар{unique} ПЕРШИЙ"}, headers=staff
    ).json()
    assert [i["id"] for i in by_text["items"]] == [ids[0]]
    overdue = gateway.http.get(
        BASE, params={"department": department, "overdue": "true"}, headers=staff
    ).json()
    assert overdue["items"] == []
    priority = gateway.http.get(
        BASE, params={"department": department, "priority": "true"}, headers=staff
    ).json()
    assert [i["id"] for i in priority["items"]] == [ids[2]]

    mine = gateway.http.get(BASE, params={"limit": 100}, headers=people["citizen"]).json()
    assert {i["id"] for i in mine["items"]} == set(ids)
    others = gateway.http.get(BASE, headers=people["other"]).json()
    assert others["items"] == []
    bad = gateway.http.get(BASE, params={"cursor": "not-a-cursor"}, headers=staff)
    assert_problem(bad, 422)
