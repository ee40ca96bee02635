"""An in-memory stand-in for the few PyMongo async calls the queue's repositories make: unique
`_id` (DuplicateKeyError), equality / $in / range / $or filters on dotted keys, $set, $inc, $push
($each), $setOnInsert with upsert. Enough to run the real repositories in unit tests."""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass
from typing import Any

from pymongo.errors import DuplicateKeyError


def _get(doc: dict[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit():
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _matches(doc: dict[str, Any], query: dict[str, Any]) -> bool:
    for key, cond in query.items():
        if key == "$or":
            if not any(_matches(doc, branch) for branch in cond):
                return False
            continue
        value = _get(doc, key)
        if isinstance(cond, dict) and cond and all(k.startswith("$") for k in cond):
            for op, arg in cond.items():
                ok = {
                    "$in": lambda v, a: v in a,
                    "$lt": lambda v, a: v is not None and v < a,
                    "$lte": lambda v, a: v is not None and v <= a,
                    "$gt": lambda v, a: v is not None and v > a,
                    "$gte": lambda v, a: v is not None and v >= a,
                    "$exists": lambda v, a: (v is not None) == a,
                }[op](value, arg)
                if not ok:
                    return False
        elif isinstance(value, list) and not isinstance(cond, list):
            if cond not in value:
                return False
        elif value != cond:
            return False
    return True


def _project(doc: dict[str, Any], projection: dict[str, int] | None) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    if not projection:
        return doc
    if any(v for k, v in projection.items() if k != "_id"):
        keep = {k for k, v in projection.items() if v} | {"_id"}
        doc = {k: v for k, v in doc.items() if k in keep}
    for key, value in projection.items():
        if not value:
            doc.pop(key, None)
    return doc


@dataclass
class UpdateResult:
    modified_count: int


class Cursor:
    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = docs

    def sort(self, key: str, direction: int) -> Cursor:
        self.docs.sort(key=lambda d: _get(d, key), reverse=direction < 0)
        return self

    def limit(self, n: int) -> Cursor:
        self.docs = self.docs[:n]
        return self

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        return self.docs


class FakeCollection:
    def __init__(self, name: str) -> None:
        self.name = name
        self.docs: dict[Any, dict[str, Any]] = {}

    async def create_index(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def insert_one(self, doc: dict[str, Any]) -> None:
        await asyncio.sleep(0)  # let concurrent callers interleave, as over a socket
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("E11000 duplicate key")
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def find_one(
        self, query: dict[str, Any], projection: Any = None
    ) -> dict[str, Any] | None:
        found = [d for d in self.docs.values() if _matches(d, query)]
        return _project(found[0], projection) if found else None

    def find(self, query: dict[str, Any], projection: Any = None) -> Cursor:
        return Cursor([_project(d, projection) for d in self.docs.values() if _matches(d, query)])

    async def update_one(
        self, query: dict[str, Any], update: dict[str, Any], upsert: bool = False
    ) -> UpdateResult:
        await asyncio.sleep(0)
        doc = next((d for d in self.docs.values() if _matches(d, query)), None)
        if doc is None:
            if not upsert:
                return UpdateResult(0)
            doc = {"_id": query["_id"], **update.get("$setOnInsert", {})}
            self.docs[doc["_id"]] = doc
        for key, value in update.get("$set", {}).items():
            doc[key] = copy.deepcopy(value)
        for key, value in update.get("$inc", {}).items():
            doc[key] = doc.get(key, 0) + value
        for key, value in update.get("$push", {}).items():
            items = value["$each"] if isinstance(value, dict) and "$each" in value else [value]
            doc.setdefault(key, []).extend(copy.deepcopy(items))
        for key, value in update.get("$pullAll", {}).items():
            doc[key] = [v for v in doc.get(key, []) if v not in value]
        return UpdateResult(1)

    async def delete_one(self, query: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        doc = next((d for d in self.docs.values() if _matches(d, query)), None)
        if doc is not None:
            del self.docs[doc["_id"]]


class FakeDatabase:
    def __init__(self) -> None:
        self.collections: dict[str, FakeCollection] = {}

    def __getitem__(self, name: str) -> FakeCollection:
        return self.collections.setdefault(name, FakeCollection(name))
