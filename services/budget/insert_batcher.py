"""Group commit for the vote box: votes cast at the same moment share one `insert_many`.

Each command costs FerretDB + PostgreSQL and this process a round trip (server selection,
framing, a socket write and read), while one more document in a command costs far less. So an
insert waits for no timer: it joins the pending list, and a flush starts at once when fewer than
`max_in_flight` are running; documents arriving meanwhile go out together in the next one.
Alone, a vote is one `insert_many` of one document, just as fast as `insert_one`.

Nothing changes what the database arbitrates: the batch is unordered, every document is checked
by the same unique indexes as on its own, and each caller gets exactly its own document's
outcome — stored, or the `DuplicateKeyError` that `insert_one` would have raised. A caller is
answered only after the command that stored its document returned.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError, WriteError

DUPLICATE_KEY = 11000


class InsertBatcher:
    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        max_batch: int = 128,
        max_in_flight: int = 4,
    ) -> None:
        self.collection = collection
        self.max_batch = max_batch
        self.max_in_flight = max_in_flight
        self._pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._in_flight = 0
        self._flushes: set[asyncio.Task[None]] = set()  # keep references until done

    async def insert(self, doc: dict[str, Any]) -> None:
        """Store `doc`, or raise what `insert_one(doc)` would have raised."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((doc, done))
        self._start_flush()
        await done

    def _start_flush(self) -> None:
        if not self._pending or self._in_flight >= self.max_in_flight:
            return
        batch = self._pending[: self.max_batch]
        del self._pending[: self.max_batch]
        self._in_flight += 1
        task = asyncio.create_task(self._flush(batch))
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _flush(self, batch: list[tuple[dict[str, Any], asyncio.Future[None]]]) -> None:
        try:
            errors = await self._insert_many([doc for doc, _ in batch])
        except asyncio.CancelledError:  # shutting down: its callers are cancelled with it
            for _, done in batch:
                done.cancel()
            raise
        except Exception as failed:  # the command as a whole failed: nobody is answered "ok"
            for _, done in batch:
                if not done.done():
                    done.set_exception(failed)
        else:
            for index, (_, done) in enumerate(batch):
                if done.done():  # its caller went away; the outcome stands either way
                    continue
                error = errors.get(index)
                if error is None:
                    done.set_result(None)
                else:
                    done.set_exception(_as_single_error(error))
        finally:
            self._in_flight -= 1
            self._start_flush()

    async def _insert_many(self, docs: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
        """The per-document write errors of one unordered insert, by position."""
        try:
            await self.collection.insert_many(docs, ordered=False)
        except BulkWriteError as refused:
            if refused.details.get("writeConcernErrors"):
                raise
            return {int(e["index"]): e for e in refused.details.get("writeErrors", [])}
        return {}


def _as_single_error(error: dict[str, Any]) -> WriteError:
    code = int(error.get("code", 0))
    message = str(error.get("errmsg", "write error"))
    if code == DUPLICATE_KEY:
        return DuplicateKeyError(message, code, error)
    return WriteError(message, code, error)
