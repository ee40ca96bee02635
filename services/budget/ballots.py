"""The vote and support boxes: one document per (voter, project), arbitrated by unique indexes.

Votes: `_id` = (tenant, cycle, voter, project), so a replay is refused by the primary key; two more
unique indexes hold the ballot seats (see domain/ballot.py). A vote tries each free seat in
turn: a duplicate-key error on a seat means "taken, try the next one"; on the vote's own `_id`
it means "already voted". FerretDB does not say which index refused an insert, so after a
refusal the vote's `_id` is looked up (a primary-key read, cheap everywhere). Votes cast at the
same moment share one unordered `insert_many` (insert_batcher.py); refusals this process can
prove from the votes it stored itself need no command at all (read_cache.SeatHints).
Counts are always a recount of these documents (an aggregation `$group`), never a counter.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import structlog
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.background import cancelling
from chassis.tracing import untraced
from chassis.write_guard import DocumentLocks
from services.budget.domain.ballot import seat_candidates, vote_id
from services.budget.domain.errors import RuleBroken
from services.budget.insert_batcher import InsertBatcher
from services.budget.read_cache import SeatHints

log = structlog.get_logger("budget.ballots")
ALREADY_VOTED = "Ви вже голосували за цей проєкт / You have already voted for this project."
NO_VOTES_LEFT = "У вас не залишилося голосів / You have no votes left{scope}."
ALREADY_SUPPORTED = "Ви вже підтримали цей проєкт / You have already supported this project."


class VoteBox:
    def __init__(
        self, db: AsyncDatabase[dict[str, Any]], locks: DocumentLocks | None = None
    ) -> None:
        self.collection = db["votes"]
        self.hints = SeatHints()
        self.inserts = InsertBatcher(self.collection)
        # Shared with the tallies' writer: FerretDB could lose one of two updates at once.
        self.locks = locks or DocumentLocks()
        self.tallies = db["tallies"]
        # Cycles voted in since the last flush: their tallies are marked for a recount.
        self.touched: set[tuple[str, str]] = set()

    async def ensure_indexes(self) -> None:
        base = [("tenant", ASCENDING), ("cycle_id", ASCENDING), ("voter_key", ASCENDING)]
        await self.collection.create_index(
            [*base, ("project_id", ASCENDING)], unique=True, name="one_vote_per_project"
        )
        await self.collection.create_index(
            [*base, ("seat", ASCENDING)], unique=True, name="ballot_seat"
        )
        await self.collection.create_index(
            [*base, ("category", ASCENDING), ("category_seat", ASCENDING)],
            unique=True,
            name="category_seat",
        )
        await self.collection.create_index(
            [("tenant", ASCENDING), ("cycle_id", ASCENDING), ("project_id", ASCENDING)]
        )

    async def cast(
        self,
        *,
        tenant: str,
        cycle_id: str,
        voter_key: str,
        project_id: str,
        category: str,
        votes_per_voter: int,
        votes_per_category: int | None,
        channel: str,
        ground: str,
        at: datetime,
        entered_by: str | None = None,
    ) -> dict[str, Any]:
        """Store the vote in the first free seat; 409 if already voted or no seat is left."""
        doc_id = vote_id(tenant, cycle_id, voter_key, project_id)
        hint_key = f"{tenant}:{cycle_id}:{voter_key}"
        if self.hints.voted_for(hint_key, project_id):  # stored here before: a replay
            raise RuleBroken(409, ALREADY_VOTED)
        tried = False
        for seat, category_seat in seat_candidates(votes_per_voter, votes_per_category, project_id):
            if self.hints.is_taken(hint_key, seat, category, category_seat):
                continue
            tried = True
            doc = {
                "_id": doc_id,
                "tenant": tenant,
                "cycle_id": cycle_id,
                "voter_key": voter_key,
                "project_id": project_id,
                "category": category,
                "seat": seat,
                "category_seat": category_seat,
                "channel": channel,
                "ground": ground,
                "entered_by": entered_by,
                "at": at,
            }
            try:
                await self.inserts.insert(doc)
            except DuplicateKeyError:
                if await self._exists(doc_id):
                    raise RuleBroken(409, ALREADY_VOTED) from None
                continue
            self.hints.note(hint_key, seat, category, category_seat, project_id)
            self.touched.add((tenant, cycle_id))
            return doc
        # Every seat skipped on this process's own notes: the votes that could hold them are
        # the noted ones, and this project is not among them (checked above), so no read is
        # needed. After a refusal by the database, look: it may be this very vote, cast at once.
        if tried and await self._exists(doc_id):
            raise RuleBroken(409, ALREADY_VOTED)
        scope = " in this category" if votes_per_category else ""
        raise RuleBroken(409, NO_VOTES_LEFT.format(scope=scope))

    async def run_marks(self, interval_s: float = 1.0) -> None:
        """Background: once a second, mark the tallies of the cycles voted in (one small write
        per cycle, not one per vote). A mark is written after the votes it covers were stored,
        so a recount that starts after the mark sees them (tally.py)."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await self.flush_marks()
            except Exception as exc:
                if cancelling():
                    raise
                log.warning("budget.tally_mark_failed", error=type(exc).__name__)

    async def flush_marks(self) -> None:
        touched, self.touched = self.touched, set()
        now = datetime.now(UTC)
        try:
            for tenant, cycle_id in touched:
                with untraced():
                    async with self.locks.hold(f"tally:{cycle_id}"):
                        await self.tallies.update_one(
                            {"_id": cycle_id},
                            {"$set": {"tenant": tenant, "marked_at": now}},
                            upsert=True,
                        )
        except BaseException:
            self.touched |= touched  # try again next time
            raise

    async def _exists(self, doc_id: str) -> bool:
        return await self.collection.find_one({"_id": doc_id}, {"_id": 1}) is not None

    async def counts(self, tenant: str, cycle_id: str) -> dict[str, int]:
        return await _count_by_project(self.collection, tenant, cycle_id)

    async def mine(self, tenant: str, cycle_id: str, voter_key: str) -> list[str]:
        cursor = self.collection.find(
            {"tenant": tenant, "cycle_id": cycle_id, "voter_key": voter_key}, {"project_id": 1}
        )
        return [doc["project_id"] async for doc in cursor]


class SupportBox:
    """Supports before review: one per (supporter, project), no limit on how many projects."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection = db["supports"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("tenant", ASCENDING), ("cycle_id", ASCENDING), ("project_id", ASCENDING)]
        )

    async def add(
        self, tenant: str, cycle_id: str, project_id: str, supporter_key: str, at: datetime
    ) -> None:
        try:
            await self.collection.insert_one(
                {
                    "_id": f"{tenant}:{project_id}:{supporter_key}",
                    "tenant": tenant,
                    "cycle_id": cycle_id,
                    "project_id": project_id,
                    "supporter_key": supporter_key,
                    "at": at,
                }
            )
        except DuplicateKeyError:
            raise RuleBroken(409, ALREADY_SUPPORTED) from None

    async def counts(self, tenant: str, cycle_id: str) -> dict[str, int]:
        return await _count_by_project(self.collection, tenant, cycle_id)

    async def count_of(self, tenant: str, cycle_id: str, project_id: str) -> int:
        return await self.collection.count_documents(
            {"tenant": tenant, "cycle_id": cycle_id, "project_id": project_id}
        )


async def _count_by_project(collection: Any, tenant: str, cycle_id: str) -> dict[str, int]:
    cursor = await collection.aggregate(
        [
            {"$match": {"tenant": tenant, "cycle_id": cycle_id}},
            {"$group": {"_id": "$project_id", "n": {"$sum": 1}}},
        ]
    )
    return {str(row["_id"]): int(row["n"]) async for row in cursor}
