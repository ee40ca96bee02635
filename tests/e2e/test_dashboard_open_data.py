"""The regional dashboard (platform_admin only) counts what was filed, per council and overall;
a council's open data is public, parses as CSV and JSON, and carries no personal fields."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import appeal_body
from tests.e2e.retrying import send
from tests.stack import Gateway, wait_for

pytestmark = pytest.mark.e2e
TENANT = "kamianske"
DASHBOARD = "/api/v1/platform/dashboard"
OPEN_DATA = f"/api/v1/{TENANT}/appeals/open-data/appeals-by-month"


def platform_admin(gateway: Gateway, unique: str) -> dict[str, str]:
    token = gateway.token(sub=f"cdto-{unique}", roles=["platform_admin"])
    return {"Authorization": f"Bearer {token}"}


def dashboard(gateway: Gateway, headers: dict[str, str]) -> dict[str, Any]:
    """The dashboard once appeals and notify answer (someone else may be restarting them)."""

    def answered() -> dict[str, Any] | None:
        response = send(gateway, "GET", DASHBOARD, headers=headers)
        assert response.status_code == 200, response.text
        board = dict(response.json())
        ok = board["availability"]["appeals"] == board["availability"]["notify"] == "ok"
        return board if ok else None

    return wait_for(answered, 60, interval_s=1, what="appeals and notify figures")


def appeals_of(board: dict[str, Any], slug: str) -> dict[str, Any]:
    row = next(t for t in board["tenants"] if t["slug"] == slug)
    return dict(row["services"]["appeals"])


def file_appeal(gateway: Gateway, unique: str, **body: Any) -> dict[str, Any]:
    headers = gateway.citizen(f"figures-{unique}", name=f"Марія Шевчук {unique}")
    body = appeal_body(email=f"maria.{unique}@example.ua", **body)
    response = send(gateway, "POST", f"/api/v1/{TENANT}/appeals", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_dashboard_counts_a_new_appeal_in_its_council_and_overall(
    gateway: Gateway, unique: str
) -> None:
    admin = platform_admin(gateway, unique)
    before = dashboard(gateway, admin)

    file_appeal(gateway, unique)
    after = dashboard(gateway, admin)

    mine_before, mine_after = appeals_of(before, TENANT), appeals_of(after, TENANT)
    assert mine_after["received"] >= mine_before["received"] + 1
    assert mine_after["open"] >= 1
    assert set(mine_after) >= {"received", "answered", "answered_on_time_pct", "overdue"}
    overall = after["overall"]["appeals"]
    per_council = [t["services"]["appeals"] for t in after["tenants"]]
    assert overall["received"] == sum(f["received"] for f in per_council if f is not None)
    services = ("appeals", "petitions", "budget", "queue", "payments", "notify")
    assert {s: after["availability"][s] for s in services} == dict.fromkeys(services, "ok")
    assert {"petitions_filed", "collecting"} <= set(after["overall"]["petitions"])


@pytest.mark.parametrize("role", ["citizen", "official", "tenant_admin"])
def test_dashboard_refuses_everyone_but_platform_admins(
    gateway: Gateway, unique: str, role: str
) -> None:
    headers = (
        gateway.citizen(f"c-{unique}")
        if role == "citizen"
        else gateway.staff(f"{role}-{unique}", TENANT, role)
    )
    response = send(gateway, "GET", DASHBOARD, headers=headers)
    assert response.status_code == 403, response.text


def test_open_data_csv_and_json_count_the_appeal_and_hold_nothing_personal(
    gateway: Gateway, unique: str
) -> None:
    appeal = file_appeal(gateway, unique, subject=f"Відкриті дані {unique}")
    received = datetime.fromisoformat(appeal["received_at"])
    month = received.astimezone(ZoneInfo("Europe/Kyiv")).strftime("%Y-%m")  # the council's zone

    as_csv = send(gateway, "GET", f"{OPEN_DATA}.csv")  # anonymous
    as_json = send(gateway, "GET", f"{OPEN_DATA}.json")

    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows and set(rows[0]) == {"month", "kind", "category", "received", "answered"}
    assert all(int(r["received"]) >= int(r["answered"]) >= 0 for r in rows)
    assert any(r["kind"] == "statement" for r in rows)
    for text in (as_csv.text, as_json.text):
        assert "@" not in text and unique not in text
        assert appeal["id"] not in text and "Марія" not in text
    for found in (rows, as_json.json()["items"]):
        counted = [r for r in found if (r["month"], r["kind"]) == (month, "statement")]
        assert counted and all(int(r["received"]) >= 1 for r in counted)


def test_open_data_index_lists_the_datasets_publicly(gateway: Gateway) -> None:
    response = send(gateway, "GET", f"/api/v1/{TENANT}/open-data")
    assert response.status_code == 200, response.text
    datasets = {d["id"]: d for d in response.json()["items"]}
    assert datasets["appeals-by-month"]["formats"]["csv"] == f"{OPEN_DATA}.csv"
    assert send(gateway, "GET", datasets["appeals-by-month"]["formats"]["json"]).status_code == 200
    for dataset in ("petitions", "budget-projects"):
        assert datasets[dataset]["status"] == "available"
        for url in datasets[dataset]["formats"].values():
            assert send(gateway, "GET", url).status_code == 200, url
