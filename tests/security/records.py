"""Citizen A's records in council T1, one of each kind an object endpoint names, created through
the gateway, and the path parameter each fills: `{appeal_id}`, `{attachment_id}`,
`{petition_id}`, `{cycle_id}`, `{project_id}`, `{payment_id}`, `{booking_id}`. A cycle is the
council's, not A's; it is there so that A's project has one."""

from __future__ import annotations

import uuid
from typing import Any

from tests import attachment_files as files
from tests.e2e.retrying import send
from tests.e2e.test_budget_helpers import advance, create_cycle
from tests.integration.queue.offices import new_office_id, office_body, visit_day
from tests.security.conftest import A_ADDRESS, A_EMAIL, A_PHONE, T1, created
from tests.stack import Gateway

BASE = f"/api/v1/{T1}"


def _appeal(gateway: Gateway, owner: dict[str, str]) -> str:
    body = {
        "kind": "statement",
        "subject": "Освітлення у дворі",
        "text": "Прошу відновити освітлення у дворі будинку.",
        "address": A_ADDRESS,
        "email": A_EMAIL,
        "phone": A_PHONE,
    }
    return str(
        created(send(gateway, "POST", f"{BASE}/appeals", json=body, headers=owner), "appeal")["id"]
    )


def _attachment(gateway: Gateway, owner: dict[str, str], appeal_id: str) -> str:
    upload = {"file": ("довідка.pdf", files.pdf("секрет"), "application/pdf")}
    path = f"{BASE}/appeals/{appeal_id}/attachments"
    return str(
        created(send(gateway, "POST", path, files=upload, headers=owner), "attachment")["id"]
    )


def _petition(gateway: Gateway, owner: dict[str, str]) -> str:
    body = {"title": f"Сквер на розі {uuid.uuid4().hex[:6]}", "text": "Прошу облаштувати сквер."}
    return str(
        created(send(gateway, "POST", f"{BASE}/petitions", json=body, headers=owner), "petition")[
            "id"
        ]
    )


def _cycle_and_project(gateway: Gateway, owner: dict[str, str]) -> tuple[str, str]:
    cycle_id = str(create_cycle(gateway, T1)["id"])
    advance(gateway, cycle_id, "submission", T1)
    body = {
        "title": f"Лавки у сквері {uuid.uuid4().hex[:6]}",
        "description": "Лавки, дерева та освітлення.",
        "category": "small",
        "cost": 100,
    }
    path = f"{BASE}/budget/cycles/{cycle_id}/projects"
    project = created(send(gateway, "POST", path, json=body, headers=owner), "project")
    return cycle_id, str(project["id"])


def _payment(gateway: Gateway, owner: dict[str, str]) -> str:
    body = {"purpose": "service", "reference": "land-extract", "email": A_EMAIL}
    headers = {**owner, "Idempotency-Key": uuid.uuid4().hex}
    return str(
        created(send(gateway, "POST", f"{BASE}/payments", json=body, headers=headers), "payment")[
            "id"
        ]
    )


def _booking(gateway: Gateway, owner: dict[str, str], staff: dict[str, str]) -> str:
    office = new_office_id()
    put = send(
        gateway, "PUT", f"{BASE}/queue/offices/{office}", json=office_body(office), headers=staff
    )
    created(put, "office")
    slots = send(
        gateway,
        "GET",
        f"{BASE}/queue/offices/{office}/slots",
        params={"service": "fop-registration", "date": visit_day().isoformat()},
    )
    assert slots.status_code == 200, slots.text
    first = slots.json()["items"][0]["start"]
    body = {
        "office_id": office,
        "service_code": "fop-registration",
        "start": first,
        "email": A_EMAIL,
    }
    return str(
        created(
            send(gateway, "POST", f"{BASE}/queue/bookings", json=body, headers=owner), "booking"
        )["id"]
    )


def create_records(
    gateway: Gateway, owner: dict[str, str], staff_t1: dict[str, str]
) -> dict[str, str]:
    appeal_id = _appeal(gateway, owner)
    cycle_id, project_id = _cycle_and_project(gateway, owner)
    return {
        "appeal_id": appeal_id,
        "attachment_id": _attachment(gateway, owner, appeal_id),
        "petition_id": _petition(gateway, owner),
        "cycle_id": cycle_id,
        "project_id": project_id,
        "payment_id": _payment(gateway, owner),
        "booking_id": _booking(gateway, owner, staff_t1),
    }


def fill(path: str, records: dict[str, Any]) -> str:
    return path.replace("{tenant}", T1).format(**records)
