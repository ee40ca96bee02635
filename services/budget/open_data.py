"""Public open data of the participatory budget: every project of the council's cycles with
its supports, votes and result, as JSON and CSV, for anyone (no token). No voter data: only
counts leave the vote and support collections, and of a project only what is public anyway
(no author id, no email)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from litestar import Controller, Response, get
from pymongo.asynchronous.database import AsyncDatabase

# Litestar adds "; charset=utf-8" to text/* itself (naming it here doubled it), and the
# route names the type so its OpenAPI answer says CSV, not JSON.
CSV = "text/csv"

DATASET = "budget-projects"
LICENSE = "CC BY 4.0"
COLUMNS = (
    "cycle_id",
    "year",
    "cycle_title",
    "project_id",
    "title",
    "category",
    "cost",
    "status",
    "supports",
    "votes",
    "rank",
    "funded",
    "implementation_status",
    "progress",
)


async def _counts(db: AsyncDatabase[dict[str, Any]], collection: str, tenant: str) -> dict:
    cursor = await db[collection].aggregate(
        [{"$match": {"tenant": tenant}}, {"$group": {"_id": "$project_id", "n": {"$sum": 1}}}]
    )
    return {row["_id"]: int(row["n"]) async for row in cursor}


async def project_rows(db: AsyncDatabase[dict[str, Any]], tenant: str) -> list[dict[str, Any]]:
    cycles = {
        c["_id"]: c
        for c in await db["cycles"]
        .find({"tenant": tenant}, {"year": 1, "title": 1, "results": 1})
        .to_list(None)
    }
    ranked: dict[str, dict[str, Any]] = {}
    for cycle in cycles.values():
        for category in (cycle.get("results") or {}).get("categories", []):
            for entry in category["ranking"]:
                ranked[entry["id"]] = entry
    supports = await _counts(db, "supports", tenant)
    votes = await _counts(db, "votes", tenant)
    projects = (
        await db["projects"]
        .find(
            {"tenant": tenant},
            {
                "cycle_id": 1,
                "title": 1,
                "category": 1,
                "cost": 1,
                "status": 1,
                "implementation": 1,
                "submitted_at": 1,
            },
            sort=[("submitted_at", 1)],
        )
        .to_list(None)
    )
    rows = []
    for p in projects:
        cycle = cycles.get(p["cycle_id"], {})
        result = ranked.get(p["_id"])
        implementation = p.get("implementation") or {}
        rows.append(
            {
                "cycle_id": p["cycle_id"],
                "year": cycle.get("year"),
                "cycle_title": cycle.get("title"),
                "project_id": p["_id"],
                "title": p["title"],
                "category": p["category"],
                "cost": p["cost"],
                "status": p["status"],
                "supports": supports.get(p["_id"], 0),
                "votes": votes.get(p["_id"], 0),
                "rank": result["rank"] if result else None,
                "funded": result["funded"] if result else None,
                "implementation_status": implementation.get("status"),
                "progress": implementation.get("progress"),
            }
        )
    return rows


def to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class BudgetOpenDataController(Controller):
    """Anonymous reads; the gateway lets GETs through without a token."""

    path = "/api/v1/{tenant:str}/budget/open-data"
    tags = ["open data"]

    @get(f"/{DATASET}.json", operation_id="get_budget_projects_json")
    async def projects_json(
        self, tenant: str, budget_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """Projects with supports, votes and results (counts only, no voter data)."""
        return {
            "dataset": DATASET,
            "tenant": tenant,
            "license": LICENSE,
            "columns": list(COLUMNS),
            "items": await project_rows(budget_db, tenant),
        }

    @get(f"/{DATASET}.csv", operation_id="get_budget_projects_csv", media_type=CSV)
    async def projects_csv(
        self, tenant: str, budget_db: AsyncDatabase[dict[str, Any]]
    ) -> Response[str]:
        """The same dataset as CSV (UTF-8, header row)."""
        return Response(
            to_csv(await project_rows(budget_db, tenant)),
            media_type=CSV,
            headers={"Content-Disposition": f'inline; filename="{tenant}-{DATASET}.csv"'},
        )
