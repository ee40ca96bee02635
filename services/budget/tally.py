"""Batched tallies: each cycle's figures (projects, supports, votes online and on paper, funded
projects), recounted from the fact collections by the phase job and kept in `tallies`, one
small document per cycle. The stats routes read these, never the votes themselves.

Why: a count over every council's votes is a full decode of the collection on FerretDB
(seconds at ten thousand votes), too slow for a dashboard that asks all councils at once;
a recount of ONE cycle filters on (tenant, cycle_id), which the server narrows first. Only
cycles that can still change are recounted (up to their results), so the work stays small.
A tally always equals a recount made at its `as_of`; a cycle is recounted again when votes
arrived since (`marked_at`, written by the vote box once a second), while it is before the
voting phase (cheap: no votes yet), and once more when its results are fixed (then `final`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from chassis.write_guard import DocumentLocks
from services.budget.domain import cycle as rules
from services.budget.domain.cycle import Cycle

FIGURES = (
    "projects",
    "eligible_projects",
    "funded_projects",
    "supports",
    "votes",
    "online_votes",
    "offline_votes",
)


class Tallies:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], locks: DocumentLocks) -> None:
        self.db = db
        self.collection = db["tallies"]
        self.locks = locks  # the vote box marks the same documents (see write_guard)

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("tenant", ASCENDING)])

    async def needs_recount(self, cycle: Cycle, now: datetime) -> bool:
        doc = await self.collection.find_one({"_id": cycle.id})
        if doc is None or "as_of" not in doc:
            return True
        if doc.get("final"):
            return False
        phase = rules.phase_index(rules.current_phase(cycle, now))
        if phase < rules.phase_index("voting") or phase >= rules.phase_index("results"):
            return True
        marked_at = doc.get("marked_at")
        return marked_at is not None and marked_at >= doc["as_of"]

    async def recount(self, cycle: Cycle, results: dict[str, Any], now: datetime) -> None:
        scope = {"tenant": cycle.tenant, "cycle_id": cycle.id}
        statuses = [
            doc.get("status")
            for doc in await self.db["projects"].find(scope, {"status": 1}).to_list(None)
        ]
        cursor = await self.db["votes"].aggregate(
            [{"$match": scope}, {"$group": {"_id": "$channel", "n": {"$sum": 1}}}]
        )
        by_channel = {str(row["_id"]): int(row["n"]) async for row in cursor}
        funded = sum(1 for c in results.get("categories", []) for p in c["ranking"] if p["funded"])
        figures = {
            "projects": len(statuses),
            "eligible_projects": statuses.count("eligible"),
            "funded_projects": funded,
            "supports": await self.db["supports"].count_documents(scope),
            "votes": sum(by_channel.values()),
            "online_votes": by_channel.get("online", 0),
            "offline_votes": by_channel.get("offline", 0),
        }
        # Final once the results are fixed: nothing a tally counts changes after that.
        final = cycle.results_published and rules.phase_index(
            rules.current_phase(cycle, now)
        ) >= rules.phase_index("results")
        async with self.locks.hold(f"tally:{cycle.id}"):
            await self.collection.update_one(
                {"_id": cycle.id},
                {
                    "$set": {
                        "tenant": cycle.tenant,
                        "figures": figures,
                        "final": final,
                        "as_of": now,
                    }
                },
                upsert=True,
            )

    async def figures_of(self, tenants: list[str]) -> dict[str, dict[str, int]]:
        """Per council: its cycles and the sums of their tallies."""
        figures = {slug: {"cycles": 0, **dict.fromkeys(FIGURES, 0)} for slug in tenants}
        wanted = set(tenants)
        # The whole (small) collection, filtered here: FerretDB is slow at a long `$in`.
        async for doc in self.collection.find({}, {"tenant": 1, "figures": 1}):
            slug = doc.get("tenant")
            if slug not in wanted:
                continue
            mine = figures[slug]
            mine["cycles"] += 1
            for name in FIGURES:
                mine[name] += int((doc.get("figures") or {}).get(name, 0))
        return figures
