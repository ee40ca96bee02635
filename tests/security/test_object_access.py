"""The object-access matrix, generated from the merged OpenAPI document: every operation on a
record (a path naming `{appeal_id}`, `{petition_id}`, ...) is tried on citizen A's record of
council T1 by another citizen of T1, by staff of council T2 and with no token. Each answer is
401, 403 or 404, or, for the few operations open to anyone (listed with the reason), a
success; and no answer holds any of A's personal data. The table is printed at the end."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.retrying import send
from tests.security.conftest import A_NAME, A_SECRETS, other_citizen
from tests.security.openapi_cases import ObjectOperation, object_operations
from tests.security.records import create_records, fill
from tests.stack import Gateway

pytestmark = pytest.mark.e2e
DENIED = (401, 403, 404, 405)
# (method, path) -> why anyone with a token may succeed on another's record or the council's.
OPEN_TO_ANYONE = {
    ("GET", "/api/v1/{tenant}/budget/cycles/{cycle_id}"): "a cycle is the council's, public",
    ("GET", "/api/v1/{tenant}/budget/cycles/{cycle_id}/projects"): "public list of projects",
    ("GET", "/api/v1/{tenant}/budget/cycles/{cycle_id}/results"): "public once published",
    ("GET", "/api/v1/{tenant}/budget/cycles/{cycle_id}/votes/mine"): "the caller's own votes",
    ("GET", "/api/v1/{tenant}/budget/projects/{project_id}"): "projects are public (open data)",
    ("POST", "/api/v1/{tenant}/budget/cycles/{cycle_id}/projects"): "any resident may submit",
    ("POST", "/api/v1/{tenant}/budget/cycles/{cycle_id}/votes"): "any resident may vote",
    ("POST", "/api/v1/{tenant}/budget/projects/{project_id}/supports"): "any resident supports",
    ("POST", "/api/v1/{tenant}/petitions/{petition_id}/signatures"): "any resident may sign",
    ("GET", "/api/v1/{tenant}/petitions/{petition_id}"): "public once published",
}
# A budget project is published with its author's name, by design (services/budget/README.md:
# "no author id, no email"); everything else of A's stays A's there too.
NAME_IS_PUBLIC = ("/budget/projects/{project_id}", "/budget/cycles/{cycle_id}/projects")
CALLERS = ("other_citizen", "staff_t2", "anonymous")
TABLE: dict[str, dict[str, str]] = {}


@pytest.fixture(scope="module")
def records(gateway: Gateway, owner: dict[str, str], staff_t1: dict[str, str]) -> dict[str, str]:
    return create_records(gateway, owner, staff_t1)


@pytest.fixture(scope="module")
def operations(gateway: Gateway, records: dict[str, str]) -> list[ObjectOperation]:
    document = send(gateway, "GET", "/docs/openapi.json").json()
    return object_operations(document, set(records))


def _request(
    gateway: Gateway, op: ObjectOperation, path: str, headers: dict[str, str]
) -> httpx.Response:
    if op.file_field:
        upload = {op.file_field: ("x.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
        return send(gateway, op.method, path, files=upload, headers=headers)
    if op.method in ("GET", "DELETE") or op.body is None:
        return send(gateway, op.method, path, headers=headers)
    return send(gateway, op.method, path, json=op.body, headers=headers)


def _verdict(op: ObjectOperation, caller: str, response: httpx.Response) -> str | None:
    """None if the answer is right; else why not."""
    secrets = [s for s in A_SECRETS if not (s == A_NAME and op.path.endswith(NAME_IS_PUBLIC))]
    leaked = [s for s in secrets if s in response.text]
    if leaked:
        return f"leaks {leaked}"
    if response.status_code >= 500:
        return f"server error {response.status_code}"
    if response.status_code in DENIED:
        return None
    if caller != "anonymous" and (op.method, op.path) in OPEN_TO_ANYONE:
        return None
    if caller == "anonymous" and op.method == "GET" and (op.method, op.path) in OPEN_TO_ANYONE:
        return None
    return f"answered {response.status_code}: {response.text[:200]}"


def test_no_one_else_reaches_citizen_a_records(
    gateway: Gateway,
    records: dict[str, str],
    operations: list[ObjectOperation],
    staff_t2: dict[str, str],
) -> None:
    assert len(operations) >= 40, [f"{o.method} {o.path}" for o in operations]
    wrong: list[str] = []
    for op in operations:
        path = fill(op.path, records)
        intruders: dict[str, dict[str, str]] = {
            "other_citizen": other_citizen(gateway, op.path.rsplit("/", 1)[-1][:12]),
            "staff_t2": staff_t2,
            "anonymous": {},
        }
        row = TABLE.setdefault(f"{op.method} {op.path.removeprefix('/api/v1/{tenant}')}", {})
        for caller, headers in intruders.items():
            response = _request(gateway, op, path, headers)
            row[caller] = str(response.status_code)
            why = _verdict(op, caller, response)
            if why:
                row[caller] += " ✗"
                wrong.append(f"{op.method} {op.path} as {caller}: {why}")
    assert not wrong, "\n".join(wrong)


def test_the_owner_and_own_staff_do_reach_them(
    gateway: Gateway, records: dict[str, str], owner: dict[str, str], staff_t1: dict[str, str]
) -> None:
    """The matrix above would pass on a broken API that refuses everyone: the same records are
    readable by their owner and by T1's staff."""
    for path in (
        "/api/v1/{tenant}/appeals/{appeal_id}",
        "/api/v1/{tenant}/appeals/{appeal_id}/attachments/{attachment_id}",
        "/api/v1/{tenant}/petitions/{petition_id}",
        "/api/v1/{tenant}/payments/{payment_id}",
        "/api/v1/{tenant}/queue/bookings/{booking_id}",
    ):
        for who, headers in (("owner", owner), ("staff_t1", staff_t1)):
            response = send(gateway, "GET", fill(path, records), headers=headers)
            assert response.status_code == 200, f"{path} as {who}: {response.text[:300]}"


def summary_lines() -> list[str]:
    if not TABLE:
        return []
    width = max(len(k) for k in TABLE)
    lines = [f"{'operation'.ljust(width)}  " + "  ".join(c.ljust(13) for c in CALLERS)]
    for key in sorted(TABLE):
        cells = TABLE[key]
        lines.append(
            f"{key.ljust(width)}  " + "  ".join(cells.get(c, "-").ljust(13) for c in CALLERS)
        )
    leaks = sum(1 for row in TABLE.values() for cell in row.values() if "✗" in cell)
    lines.append(f"{len(TABLE)} operations x {len(CALLERS)} callers, {leaks} wrong answers")
    return lines
