"""Mass assignment: a create body that also carries privileged fields (status, council, counts,
author, registration number, amount paid) changes nothing. Each such field is either refused
(422 naming it, nothing stored) or ignored, which is checked by reading the record back."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.e2e.retrying import send
from tests.e2e.test_budget_helpers import advance, create_cycle
from tests.security.conftest import T1, T2, bearer
from tests.stack import Gateway

pytestmark = pytest.mark.e2e
BASE = f"/api/v1/{T1}"


@dataclass(frozen=True)
class Create:
    path: str
    body: dict[str, Any]
    privileged: dict[str, Any]
    read: str  # where the record is read back; `{id}` is its id
    idempotency: bool = False


def cases(cycle_id: str) -> dict[str, Create]:
    return {
        "appeal": Create(
            f"{BASE}/appeals",
            {
                "kind": "statement",
                "subject": "Ремонт даху",
                "text": "Прошу відремонтувати дах.",
                "address": "м. Чернівці, вул. Головна, 3",
                "email": "roof@example.ua",
            },
            {
                "status": "closed",
                "tenant": T2,
                "citizen_sub": "someone-else",
                "name": "Підставна Особа",
                "registration_number": "Ч-999999",
                "due_at": "2099-01-01T00:00:00Z",
                "answer": {"text": "Задоволено"},
            },
            f"{BASE}/appeals/{{id}}",
        ),
        "petition": Create(
            f"{BASE}/petitions",
            {"title": f"Велодоріжка {uuid.uuid4().hex[:6]}", "text": "Прошу збудувати."},
            {
                "status": "collecting",
                "signature_count": 100_000,
                "signatures": 100_000,
                "author_sub": "someone-else",
                "tenant": T2,
                "threshold": 1,
            },
            f"{BASE}/petitions/{{id}}",
        ),
        "project": Create(
            f"{BASE}/budget/cycles/{cycle_id}/projects",
            {
                "title": f"Дитячий майданчик {uuid.uuid4().hex[:6]}",
                "description": "Гойдалки та пісочниця.",
                "category": "small",
                "cost": 100,
            },
            {"status": "eligible", "votes": 5000, "supports": 500, "author_sub": "x", "rank": 1},
            f"{BASE}/budget/projects/{{id}}",
        ),
        "payment": Create(
            f"{BASE}/payments",
            {"purpose": "service", "reference": "land-extract"},
            {"status": "success", "amount_paid": 9100, "paid_at": "2026-01-01T00:00:00Z"},
            f"{BASE}/payments/{{id}}",
            idempotency=True,
        ),
    }


# What a privileged field must not have become, read back: field -> predicate on the record.
def _unchanged(field: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda record: record.get(field) != value


@pytest.fixture(scope="module")
def cycle_id(gateway: Gateway) -> str:
    cycle = str(create_cycle(gateway, T1)["id"])
    advance(gateway, cycle, "submission", T1)
    return cycle


@pytest.mark.parametrize("kind", ["appeal", "petition", "project", "payment"])
def test_privileged_fields_in_a_create_body_change_nothing(
    gateway: Gateway, cycle_id: str, kind: str
) -> None:
    case = cases(cycle_id)[kind]
    citizen = bearer(
        gateway,
        sub=f"sec-mass-{kind}-{uuid.uuid4().hex[:8]}",
        name="Марія Звичайна",
        roles=["citizen"],
        acr="substantial",
        birthdate="1990-01-01",
        residence=T1,
    )
    wrong = []
    for field, value in case.privileged.items():
        headers = {**citizen, "Idempotency-Key": uuid.uuid4().hex} if case.idempotency else citizen
        body = {**case.body, field: value}
        if kind in ("petition", "project"):  # titles are unique per council
            body["title"] = f"{case.body['title']} {uuid.uuid4().hex[:6]}"
        answer = send(gateway, "POST", case.path, json=body, headers=headers)
        if answer.status_code == 422:
            named = [e["field"] for e in answer.json().get("errors", [])]
            if field not in " ".join(named) and field not in answer.json()["detail"]:
                wrong.append(f"{field}: refused without naming it: {answer.text[:200]}")
            continue
        if answer.status_code != 201:
            wrong.append(f"{field}: {answer.status_code} {answer.text[:200]}")
            continue
        record_id = answer.json()["id"]
        record = send(gateway, "GET", case.read.format(id=record_id), headers=citizen).json()
        if not _unchanged(field, value)(record) or not _unchanged(field, value)(answer.json()):
            wrong.append(f"{field}={value!r} was taken over: {record}")
    assert not wrong, "\n".join(wrong)
