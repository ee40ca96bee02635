"""The vote box's database commands: a vote is one insert, and a refusal this process can prove
from the votes it stored itself (a replay, no votes left) costs none — while the limits stay
the unique keys' to decide."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pymongo.errors import BulkWriteError

from services.budget.ballots import ALREADY_VOTED, VoteBox
from services.budget.domain.errors import RuleBroken

UNIQUE_KEYS = (
    ("_id",),
    ("tenant", "cycle_id", "voter_key", "seat"),
    ("tenant", "cycle_id", "voter_key", "category", "category_seat"),
)


class FakeVotes:
    """The votes collection's unique indexes, in memory, counting commands."""

    def __init__(self) -> None:
        self.docs: list[dict[str, Any]] = []
        self.commands: list[str] = []

    def _clashes(self, doc: dict[str, Any]) -> bool:
        return any(all(old[f] == doc[f] for f in key) for old in self.docs for key in UNIQUE_KEYS)

    async def insert_many(self, docs: list[dict[str, Any]], ordered: bool = True) -> None:
        self.commands.append("insert")
        errors = []
        for index, doc in enumerate(docs):
            if self._clashes(doc):
                errors.append({"index": index, "code": 11000, "errmsg": "E11000"})
            else:
                self.docs.append(doc)
        if errors:
            raise BulkWriteError({"writeErrors": errors})

    async def find_one(self, query: dict[str, Any], projection: Any = None) -> Any:
        self.commands.append("find")
        return next((d for d in self.docs if d["_id"] == query["_id"]), None)


class FakeDb:
    def __init__(self) -> None:
        self.votes = FakeVotes()

    def __getitem__(self, name: str) -> Any:
        return self.votes if name == "votes" else object()


async def cast(box: VoteBox, project: str, per_category: int | None = None) -> str:
    try:
        await box.cast(
            tenant="t1",
            cycle_id="c1",
            voter_key="voter",
            project_id=project,
            category="parks" if project.startswith("park") else "roads",
            votes_per_voter=3,
            votes_per_category=per_category,
            channel="online",
            ground="residence",
            at=datetime.now(UTC),
        )
        return "ok"
    except RuleBroken as refused:
        assert refused.status == 409
        return "already" if refused.detail == ALREADY_VOTED else "no_votes_left"


@pytest.fixture
def db() -> FakeDb:
    return FakeDb()


async def test_votes_are_one_insert_and_known_refusals_cost_no_command(db: FakeDb) -> None:
    box = VoteBox(db)  # type: ignore[arg-type]
    assert [await cast(box, p) for p in ("p1", "p2", "p3")] == ["ok", "ok", "ok"]
    assert db.votes.commands == ["insert", "insert", "insert"]
    assert await cast(box, "p4") == "no_votes_left"
    assert await cast(box, "p1") == "already"
    assert db.votes.commands == ["insert", "insert", "insert"]
    assert len(db.votes.docs) == 3


async def test_a_category_limit_refuses_from_notes_and_other_categories_still_vote(
    db: FakeDb,
) -> None:
    box = VoteBox(db)  # type: ignore[arg-type]
    assert await cast(box, "park-1", per_category=1) == "ok"
    assert await cast(box, "park-2", per_category=1) == "no_votes_left"
    assert await cast(box, "park-1", per_category=1) == "already"
    assert await cast(box, "road-1", per_category=1) == "ok"
    assert db.votes.commands == ["insert", "insert"]


async def test_another_replica_knows_nothing_and_the_unique_keys_still_refuse(
    db: FakeDb,
) -> None:
    here, there = VoteBox(db), VoteBox(db)  # type: ignore[arg-type]
    assert [await cast(here, p) for p in ("p1", "p2", "p3")] == ["ok", "ok", "ok"]
    assert await cast(there, "p1") == "already"
    assert await cast(there, "p4") == "no_votes_left"
    assert len(db.votes.docs) == 3
