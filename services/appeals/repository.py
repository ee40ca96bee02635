"""Appeals storage: one document per appeal. A change, its audit entry and its outbox events are
ONE single-document update, guarded by the version that was read (optimistic concurrency)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from typing import Any

from cachetools import LRUCache
from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.mongo import TenantRepository, next_sequence
from chassis.write_guard import DocumentLocks
from services.appeals.domain import OPEN_STATUSES, Appeal
from services.appeals.domain.similarity import REPEAT_WINDOW, EarlierAppeal
from services.appeals.due_calendar import DueCalendar
from services.appeals.list_rows import ListRows, row_of
from services.appeals.list_walk import SegmentWalk
from services.appeals.listing import LIST_SORT, DayWalk, due_day, due_span

# Never rewritten by a change: the identity and what the citizen filed.
_IMMUTABLE = {"id", "tenant", "number", "citizen_sub", "received_at", "audit", "version"}


class NumberTaken(Exception):
    """Another appeal already holds this registration number."""


RECENT_BY_CITIZEN = "recent_by_citizen"
MAX_RECENT = 50
MIGRATIONS = "migrations"
BACKFILL = "appeals.backfill.v4"  # priority, clock_pending, due_day, due_span, list rows


class AppealRepository(TenantRepository):
    collection_name = "appeals"

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        super().__init__(db)
        self._number_locks = DocumentLocks()
        self.calendar = DueCalendar(self.db)
        self.rows = ListRows(self.db)
        # What each list's last walk saw (list_walk.py), for the next request's first round.
        self.densities: LRUCache[Hashable, float] = LRUCache(maxsize=1024)

    async def ensure_indexes(self) -> None:
        tenant = ("tenant", ASCENDING)
        await self.collection.create_index([tenant, ("number", ASCENDING)], unique=True)
        await self.collection.create_index(
            [tenant, ("citizen_sub", ASCENDING), ("received_at", DESCENDING)]
        )
        await self.collection.create_index([tenant, ("due_at", ASCENDING)])
        await self.rows.ensure_indexes()  # what lists read (list_rows.py)
        await self.calendar.ensure_indexes()
        # The statutory clock and the list rows' repair look across councils (system jobs):
        # no tenant prefix here.
        await self.collection.create_index([("clock_pending", ASCENDING), ("due_at", ASCENDING)])
        await self.collection.create_index([("list_pending", ASCENDING)])
        await self._backfill_once()

    async def _backfill_once(self) -> None:
        """Give appeals stored by older versions the fields lists rely on. Each backfill reads
        the whole collection on FerretDB, so a marker records that it ran (a rerun by two
        replicas starting together is harmless: every step is idempotent)."""
        done = self.db[MIGRATIONS]
        if await done.find_one({"_id": BACKFILL}) is not None:
            return
        # Appeals filed before the workflow existed sort with the others in staff lists.
        await self.collection.update_many(
            {"priority": {"$exists": False}}, {"$set": {"priority": False}}
        )
        await self.collection.update_many(
            {"clock_pending": {"$exists": False}}, {"$set": {"clock_pending": True}}
        )
        # The clock has nothing to say about appeals no longer open (workflow._move).
        await self.collection.update_many(
            {"clock_pending": True, "status": {"$nin": list(OPEN_STATUSES)}},
            {"$set": {"clock_pending": False}},
        )
        # Appeals stored before lists walked by day and span get them, and their markers.
        async for doc in self.collection.find(
            {"due_span": {"$exists": False}}, {"tenant": 1, "due_at": 1}
        ):
            day = due_day(doc["due_at"])
            await self.calendar.mark(doc["tenant"], day)
            await self.collection.update_one(
                {"_id": doc["_id"]}, {"$set": {"due_day": day, "due_span": due_span(day)}}
            )
        await self.calendar.add_spans_to_old_markers()
        # Appeals stored before lists read rows (list_rows.py) get theirs.
        async for doc in self.collection.find({}, {"audit": 0, "history": 0, "outbox": 0}):
            await self.rows.write(row_of(doc, doc.get("version", 1)))
        await done.update_one({"_id": BACKFILL}, {"$set": {"at": datetime.now(UTC)}}, upsert=True)

    async def next_number_seq(self, tenant: str, year: int) -> int:
        # One allocation at a time per council and year in this process: FerretDB hands the
        # same counter value to concurrent callers, and under load the retries that follow
        # (each an insert refused by the unique index) cost more than waiting our turn.
        async with self._number_locks.hold(f"{tenant}:{year}"):
            return await next_sequence(self.db, tenant, f"appeal-number:{year}")

    async def add(self, appeal: Appeal, outbox: list[dict[str, Any]]) -> None:
        doc = asdict(appeal)
        doc["_id"] = doc.pop("id")
        day = due_day(appeal.due_at)
        doc.update(version=1, outbox=outbox, due_day=day, due_span=due_span(day), list_pending=True)
        await self.calendar.mark(appeal.tenant, day)  # before the appeal: never unlisted
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError as exc:
            # _id is a fresh UUID, so the unique (tenant, number) index is what refused it.
            raise NumberTaken(appeal.number) from exc
        await self._list(doc, version=1)
        await self._remember_for_repeats(appeal)

    async def _list(self, appeal: dict[str, Any], version: int) -> None:
        """The appeal's list row, then the flag that says the row may be behind is cleared
        (a crash between leaves it for `list_rows.repair`)."""
        row = row_of(appeal, version)
        await self.rows.write(row)
        await self.collection.update_one(
            {"_id": row["_id"], "version": version}, {"$set": {"list_pending": False}}
        )

    async def _remember_for_repeats(self, appeal: Appeal) -> None:
        """Keep the citizen's recent subjects in one small document read by `_id`, so the
        repeat check on filing never searches the appeals (a full read on FerretDB). It is a
        hint for the official: if two filings race, one entry may be missing, nothing else."""
        key = f"{appeal.tenant}:{appeal.citizen_sub}"
        recent = await self.db[RECENT_BY_CITIZEN].find_one({"_id": key})
        since = appeal.received_at - REPEAT_WINDOW
        entries = [e for e in (recent or {}).get("appeals", []) if e["received_at"] >= since]
        entries = [
            *entries[-(MAX_RECENT - 1) :],
            {
                "id": appeal.id,
                "number": appeal.number,
                "subject_tokens": sorted(appeal.subject_tokens),
                "received_at": appeal.received_at,
            },
        ]
        await self.db[RECENT_BY_CITIZEN].update_one(
            {"_id": key}, {"$set": {"tenant": appeal.tenant, "appeals": entries}}, upsert=True
        )

    async def get(self, tenant: str, appeal_id: str) -> Appeal | None:
        doc = await self.find_owned(tenant, appeal_id, {"outbox": 0, "outbox_pending": 0})
        return to_appeal(doc) if doc else None

    async def save_change(
        self, appeal: Appeal, audit_entry: dict[str, Any], outbox: list[dict[str, Any]]
    ) -> bool:
        """Store the changed appeal, append its audit entry and events, in one update that
        applies only if nobody changed the appeal since it was read. False on a conflict."""
        fields = {k: v for k, v in asdict(appeal).items() if k not in _IMMUTABLE}
        day = due_day(appeal.due_at)  # an extension moves it to a later day
        fields.update(due_day=day, due_span=due_span(day))
        await self.calendar.mark(appeal.tenant, day)
        update: dict[str, Any] = {
            "$set": {**fields, "version": appeal.version + 1, "list_pending": True},
            "$push": {"audit": audit_entry},
        }
        if outbox:
            update["$push"]["outbox"] = {"$each": outbox}
        result = await self.collection.update_one(
            self.scoped(appeal.tenant, {"_id": appeal.id, "version": appeal.version}), update
        )
        if result.modified_count != 1:
            return False
        await self._list(asdict(appeal), version=appeal.version + 1)
        return True

    async def recent_by_citizen(
        self, tenant: str, citizen_sub: str, since: datetime
    ) -> list[EarlierAppeal]:
        recent = await self.db[RECENT_BY_CITIZEN].find_one({"_id": f"{tenant}:{citizen_sub}"})
        return [
            EarlierAppeal(
                id=e["id"],
                number=e["number"],
                subject_tokens=frozenset(e.get("subject_tokens") or []),
                received_at=e["received_at"],
            )
            for e in (recent or {}).get("appeals", [])
            if e["received_at"] >= since
        ]

    async def find_page(
        self, query: dict[str, Any], limit: int, walk: DayWalk | None = None
    ) -> list[dict[str, Any]]:
        """One page of a list query built by `listing.build_query` (already tenant-scoped):
        walking due days when `walk` says so (see list_walk.py), else read directly."""
        if walk is None:
            return await self._read(query, limit)
        tenant = query["tenant"]
        calendar = self.calendar.view(tenant)
        page: list[dict[str, Any]] = []
        for n, priority in enumerate(walk.segments):
            segment = SegmentWalk(
                calendar,
                first_day=walk.start_day if n == 0 else None,
                last_day=walk.until_day,
                read_day=partial(self._day, query, priority),
                read_span=partial(self._span, query, priority),
            )
            key = (tenant, walk.hint_key, priority)
            found, density = await segment.walk(limit - len(page), self.densities.get(key))
            if density is not None:
                self.densities[key] = density
            page += found
            if len(page) >= limit:
                break
        return page

    async def _read(self, query: dict[str, Any], limit: int) -> list[dict[str, Any]]:
        cursor = self.rows.collection.find(query, sort=LIST_SORT, limit=limit)
        return [doc async for doc in cursor]

    async def _day(self, query: dict[str, Any], priority: bool, day: int) -> list[dict[str, Any]]:
        # `priority` and `due_day` as top-level equalities: FerretDB pushes those down to SQL.
        # A filter's own `priority` is the same value (the walk skips the other segment).
        narrowed = {**query, "priority": priority, "due_day": day}
        return [doc async for doc in self.rows.collection.find(narrowed)]

    async def _span(self, query: dict[str, Any], priority: bool, span: int) -> list[dict[str, Any]]:
        narrowed = {**query, "priority": priority, "due_span": span}
        return [doc async for doc in self.rows.collection.find(narrowed)]

    async def clock_candidates(self, until: datetime, limit: int) -> list[tuple[str, str]]:
        """Open appeals of every council due before `until`: the statutory clock checks these.

        One query across councils, not one per council: on FerretDB each query reads the
        whole collection, and the clock runs every minute (a system job, so its index is the
        one that does not start with the tenant).
        """
        cursor = self.collection.find(
            {
                "clock_pending": True,
                "status": {"$in": list(OPEN_STATUSES)},
                "due_at": {"$lte": until},
            },
            {"_id": 1, "tenant": 1},
            sort=[("due_at", ASCENDING)],
            limit=limit,
        )
        return [(d["tenant"], d["_id"]) async for d in cursor]


def to_appeal(doc: dict[str, Any]) -> Appeal:
    fields = {k: v for k, v in doc.items() if k in Appeal.__dataclass_fields__ and k != "id"}
    return Appeal(id=doc["_id"], **fields)
