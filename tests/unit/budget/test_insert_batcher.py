"""The vote box's group commit: concurrent inserts share commands, and every caller gets exactly
its own document's outcome — stored, a duplicate key, or the command's failure."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.budget.insert_batcher import InsertBatcher


class FakeVotes:
    """An unordered insert_many over a unique `_id`, reporting refusals like the server does."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.stored: dict[str, dict[str, Any]] = {}
        self.commands: list[int] = []  # documents per command
        self.fail_with = fail_with

    async def insert_many(self, docs: list[dict[str, Any]], ordered: bool = True) -> None:
        assert ordered is False
        self.commands.append(len(docs))
        await asyncio.sleep(0)  # the round trip: others queue up meanwhile
        if self.fail_with:
            raise self.fail_with
        errors = []
        for index, doc in enumerate(docs):
            if doc["_id"] in self.stored:
                errors.append({"index": index, "code": 11000, "errmsg": "E11000 duplicate key"})
            else:
                self.stored[doc["_id"]] = doc
        if errors:
            raise BulkWriteError({"writeErrors": errors, "writeConcernErrors": []})


async def outcome(batcher: InsertBatcher, doc_id: str) -> str:
    try:
        await batcher.insert({"_id": doc_id})
        return "stored"
    except DuplicateKeyError:
        return "duplicate"


async def test_concurrent_inserts_share_commands_and_each_gets_its_own_outcome() -> None:
    votes = FakeVotes()
    batcher = InsertBatcher(votes, max_batch=50, max_in_flight=2)  # type: ignore[arg-type]
    ids = [f"v{n}" for n in range(100)] + ["v0", "v1"]  # two replays among them
    outcomes = await asyncio.gather(*(outcome(batcher, i) for i in ids))
    assert outcomes.count("stored") == 100
    assert outcomes[-2:] == ["duplicate", "duplicate"]
    assert sorted(votes.stored) == sorted(set(ids))
    assert sum(votes.commands) == len(ids)
    assert len(votes.commands) < 10  # not one command per vote
    assert max(votes.commands) <= 50


async def test_a_lone_insert_goes_out_at_once_on_its_own() -> None:
    votes = FakeVotes()
    batcher = InsertBatcher(votes)  # type: ignore[arg-type]
    assert await outcome(batcher, "v1") == "stored"
    assert await outcome(batcher, "v1") == "duplicate"
    assert votes.commands == [1, 1]


async def test_a_failed_command_answers_none_of_its_callers_stored() -> None:
    votes = FakeVotes(fail_with=ConnectionError("server gone"))
    batcher = InsertBatcher(votes)  # type: ignore[arg-type]
    results = await asyncio.gather(
        *(batcher.insert({"_id": f"v{n}"}) for n in range(10)), return_exceptions=True
    )
    assert all(isinstance(r, ConnectionError) for r in results)
    assert votes.stored == {}
    # The batcher recovers: the next command goes out when the server is back.
    votes.fail_with = None
    assert await outcome(batcher, "v1") == "stored"


async def test_a_write_concern_error_fails_the_whole_batch() -> None:
    votes = FakeVotes(
        fail_with=BulkWriteError({"writeErrors": [], "writeConcernErrors": [{"code": 64}]})
    )
    batcher = InsertBatcher(votes)  # type: ignore[arg-type]
    with pytest.raises(BulkWriteError):
        await batcher.insert({"_id": "v1"})


async def test_shutting_down_mid_command_cancels_its_callers() -> None:
    started = asyncio.Event()

    class Hanging(FakeVotes):
        async def insert_many(self, docs: list[dict[str, Any]], ordered: bool = True) -> None:
            started.set()
            await asyncio.Event().wait()

    batcher = InsertBatcher(Hanging())  # type: ignore[arg-type]
    caller = asyncio.create_task(batcher.insert({"_id": "v1"}))
    await started.wait()
    for flush in list(batcher._flushes):
        flush.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
