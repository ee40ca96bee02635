"""Public open data of e-petitions: every published petition with its counts and outcome, as
JSON and CSV, for anyone (no token). Nothing personal: no author, no signer, no text; the
title is public on the petition's page anyway."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from pymongo.asynchronous.database import AsyncDatabase

from services.petitions.csv_export import to_csv
from services.petitions.domain.model import PUBLIC_STATUSES

# Litestar adds "; charset=utf-8" to text/* itself (naming it here doubled it), and the
# route names the type so its OpenAPI answer says CSV, not JSON.
CSV = "text/csv"

DATASET = "petitions"
LICENSE = "CC BY 4.0"
COLUMNS = (
    "id",
    "title",
    "status",
    "signature_count",
    "threshold",
    "published_at",
    "deadline_at",
    "closed_at",
    "decision",
    "answered_at",
)
FIELDS = {name: 1 for name in COLUMNS if name != "id"}


async def open_rows(db: AsyncDatabase[dict[str, Any]], tenant: str) -> list[dict[str, Any]]:
    query = {"tenant": tenant, "status": {"$in": list(PUBLIC_STATUSES)}}
    docs = await db["petitions"].find(query, FIELDS).sort("published_at", 1).to_list(None)
    return [{"id": doc.pop("_id"), **doc} for doc in docs]


class PetitionOpenDataController(Controller):
    """Anonymous reads; the gateway lets GETs through without a token."""

    path = "/api/v1/{tenant:str}/petitions/open-data"
    tags = ["open data"]

    @get(f"/{DATASET}.json", operation_id="get_petitions_open_data_json")
    async def petitions_json(
        self, tenant: str, petitions_db: AsyncDatabase[dict[str, Any]]
    ) -> dict[str, Any]:
        """Published petitions with signature counts and outcomes."""
        return {
            "dataset": DATASET,
            "tenant": tenant,
            "license": LICENSE,
            "columns": list(COLUMNS),
            "items": await open_rows(petitions_db, tenant),
        }

    @get(f"/{DATASET}.csv", operation_id="get_petitions_open_data_csv", media_type=CSV)
    async def petitions_csv(
        self, tenant: str, petitions_db: AsyncDatabase[dict[str, Any]]
    ) -> Response[str]:
        """The same dataset as CSV (UTF-8, header row)."""
        return Response(
            to_csv(await open_rows(petitions_db, tenant), COLUMNS),
            media_type=CSV,
            headers={"Content-Disposition": f'inline; filename="{tenant}-{DATASET}.csv"'},
        )
