"""The lists' own small copy of each appeal (collection `appeal_list`): what a list shows and
filters by, and nothing else.

Why a copy: FerretDB decodes every document a query returns in full, whatever the projection
(measured: ~0.25 ms per bench appeal; a lean row of the list's fields takes half). An appeal
carries its whole history, audit trail and answer, and grows with every step, so a list that
read appeals would slow down as the council works. A row stays the same size.

How it stays right without transactions: an appeal write sets `list_pending` in the same
single-document write, then its row is written (guarded by the appeal's version, so an older
row never replaces a newer one), then the flag is cleared (guarded by the same version). A
crash between leaves the flag set, and `repair` — a periodic job — writes the rows of the
appeals still flagged. So a list shows an appeal's latest state right after the write that
changed it, or, after a crash in between, within one repair interval.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.lease import LeaderLease, run_as_leader
from chassis.tracing import untraced
from services.appeals.listing import LIST_SORT, due_day, due_span

LIST_ROWS = "appeal_list"
ROW_FIELDS = (
    "tenant",
    "citizen_sub",
    "number",
    "kind",
    "status",
    "subject",
    "subject_tokens",
    "category",
    "priority",
    "department",
    "assignee",
    "received_at",
    "due_at",
    "late_complaint",
    "possible_repeat_of",
)
# What a day of the walk reads by (list_walk.py): the day and the filters' equalities.
DAY_READ_FIELDS = [
    (field, ASCENDING)
    for field in ("due_day", "due_span", "priority", "status", "department", "subject_tokens")
]
REPAIR_BATCH = 500


def row_of(appeal: dict[str, Any], version: int) -> dict[str, Any]:
    """The row of an appeal (its stored document or its fields with `id`) at `version`."""
    day = due_day(appeal["due_at"])
    return {
        "_id": appeal["_id"] if "_id" in appeal else appeal["id"],
        **{field: appeal.get(field) for field in ROW_FIELDS},
        "due_day": day,
        "due_span": due_span(day),
        "version": version,
    }


class ListRows:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db[LIST_ROWS]

    async def ensure_indexes(self) -> None:
        tenant = ("tenant", ASCENDING)
        await self.collection.create_index([tenant, *LIST_SORT])
        await self.collection.create_index([tenant, ("status", ASCENDING), *LIST_SORT])
        # On FerretDB over PostgreSQL its GIN twin (deploy/local/postgres/gin-mirror.sql)
        # matches any subset of these fields at once, so a day's read touches only the
        # matching rows (measured: 55 rows instead of the day's 1,100 for one priority).
        await self.collection.create_index([tenant, *DAY_READ_FIELDS])
        await self.collection.create_index([tenant, ("assignee", ASCENDING), *LIST_SORT])
        await self.collection.create_index(
            [tenant, ("citizen_sub", ASCENDING), ("received_at", DESCENDING)]
        )

    async def write(self, row: dict[str, Any]) -> None:
        """Store `row` unless the row of a newer version of its appeal is stored already."""
        try:
            await self.collection.replace_one(
                {"_id": row["_id"], "version": {"$lt": row["version"]}}, row, upsert=True
            )
        except DuplicateKeyError:
            pass  # the row exists with this version or a newer one: nothing to do


class ListRowsRepair:
    """The periodic job (one leader across replicas) that writes the rows of appeals whose
    write did not get as far as their row (a crash in between)."""

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        rows: ListRows,
        lease: LeaderLease,
        interval_s: float,
    ) -> None:
        self.appeals = db["appeals"]
        self.rows = rows
        self.lease = lease
        self.interval_s = interval_s

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self.tick, "appeals.list_rows")

    async def tick(self) -> int:
        """Rows written; the flag is an equality, which FerretDB answers from its index."""
        fixed = 0
        with untraced():
            flagged = self.appeals.find(
                {"list_pending": True}, {"audit": 0, "history": 0, "outbox": 0}
            )
            async for doc in flagged.limit(REPAIR_BATCH):
                await self.rows.write(row_of(doc, doc["version"]))
                await self.appeals.update_one(
                    {"_id": doc["_id"], "version": doc["version"]},
                    {"$set": {"list_pending": False}},
                )
                fixed += 1
        return fixed
