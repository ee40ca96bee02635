"""Public open data of the e-Reception: appeal counts by month, kind and category, as JSON and
CSV, for anyone (no token). Counts only: no text, subject, name, address, email or id leaves
here, because only the month, kind, category and status are ever read.

Months are counted in the council's zone. They are bucketed in Python: FerretDB v1 has no date
expressions for a `$group` key.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Response, get
from pymongo.asynchronous.database import AsyncDatabase

from services.appeals.stats import appeal_rows, is_answered

# Litestar adds "; charset=utf-8" to text/* itself (naming it here doubled it), and the
# route names the type so its OpenAPI answer says CSV, not JSON.
CSV = "text/csv"

DATASET = "appeals-by-month"
COLUMNS = ("month", "kind", "category", "received", "answered")
UNCATEGORISED = "uncategorised"
OPEN_DATA_FIELDS = {"received_at": 1, "kind": 1, "category": 1, "status": 1, "answered_at": 1}
LICENSE = "CC BY 4.0"


def appeals_by_month(appeals: Iterable[Mapping[str, Any]], timezone: str) -> list[dict[str, Any]]:
    """One row per (month, kind, category) with how many were received and answered."""
    zone = ZoneInfo(timezone)
    received: Counter[tuple[str, str, str]] = Counter()
    answered: Counter[tuple[str, str, str]] = Counter()
    for appeal in appeals:
        when = appeal.get("received_at")
        if not isinstance(when, datetime):
            continue
        category = appeal.get("category")
        key = (
            when.astimezone(zone).strftime("%Y-%m"),
            str(appeal.get("kind") or "unknown"),
            str(category) if isinstance(category, str) and category else UNCATEGORISED,
        )
        received[key] += 1
        answered[key] += is_answered(appeal)
    return [
        {"month": m, "kind": k, "category": c, "received": n, "answered": answered[(m, k, c)]}
        for (m, k, c), n in sorted(received.items())
    ]


def to_csv(rows: Iterable[Mapping[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class AppealOpenDataController(Controller):
    """Anonymous reads; the gateway lets GETs through without a token."""

    path = "/api/v1/{tenant:str}/appeals/open-data"
    tags = ["open data"]

    async def _rows(
        self, tenant: str, db: AsyncDatabase[dict[str, Any]], timezone: str
    ) -> list[dict[str, Any]]:
        return appeals_by_month(await appeal_rows(db, tenant, OPEN_DATA_FIELDS), timezone)

    @get(f"/{DATASET}.json", operation_id="get_appeals_by_month_json")
    async def appeals_by_month_json(
        self, tenant: str, appeals_db: AsyncDatabase[dict[str, Any]], appeals_timezone: str
    ) -> dict[str, Any]:
        """Appeals received and answered per month, kind and category (counts only)."""
        return {
            "dataset": DATASET,
            "tenant": tenant,
            "license": LICENSE,
            "columns": list(COLUMNS),
            "items": await self._rows(tenant, appeals_db, appeals_timezone),
        }

    @get(f"/{DATASET}.csv", operation_id="get_appeals_by_month_csv", media_type=CSV)
    async def appeals_by_month_csv(
        self, tenant: str, appeals_db: AsyncDatabase[dict[str, Any]], appeals_timezone: str
    ) -> Response[str]:
        """The same dataset as CSV (UTF-8, header row)."""
        rows = await self._rows(tenant, appeals_db, appeals_timezone)
        return Response(
            to_csv(rows),
            media_type=CSV,
            headers={"Content-Disposition": f'inline; filename="{tenant}-{DATASET}.csv"'},
        )
