"""Appeal lists: filters and keyset (cursor) pagination, priority first, then the due date.

A cursor is the sort key of the last item shown, so a page costs one indexed range read
however deep the list goes, and new appeals never shift what the next page shows.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING

from services.appeals.domain import OPEN_STATUSES
from services.appeals.domain.similarity import subject_tokens

LIST_SORT = [("priority", DESCENDING), ("due_at", ASCENDING), ("_id", ASCENDING)]


class BadCursor(Exception):
    """The cursor was not produced by this service."""


@dataclass(frozen=True)
class ListFilters:
    status: str | None = None
    department: str | None = None
    assignee: str | None = None
    overdue: bool | None = None
    priority: bool | None = None
    text: str | None = None
    citizen_sub: str | None = None  # a citizen's list is always their own


def encode_cursor(doc: dict[str, Any]) -> str:
    key = [bool(doc.get("priority")), doc["due_at"].isoformat(), doc["_id"]]
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[bool, datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        priority, due, last_id = json.loads(raw)
        return bool(priority), datetime.fromisoformat(due), str(last_id)
    except (ValueError, TypeError) as exc:
        raise BadCursor(cursor) from exc


def _after(cursor: str) -> dict[str, Any]:
    priority, due, last_id = decode_cursor(cursor)
    later: list[dict[str, Any]] = [
        {"priority": priority, "due_at": {"$gt": due}},
        {"priority": priority, "due_at": due, "_id": {"$gt": last_id}},
    ]
    if priority:
        later.append({"priority": False})
    return {"$or": later}


def build_query(
    tenant: str, filters: ListFilters, now: datetime, cursor: str | None
) -> dict[str, Any]:
    query: dict[str, Any] = {"tenant": tenant}
    clauses: list[dict[str, Any]] = []
    if filters.citizen_sub is not None:
        query["citizen_sub"] = filters.citizen_sub
    if filters.status:
        query["status"] = filters.status
    if filters.department:
        query["department"] = filters.department
    if filters.assignee:
        query["assignee"] = filters.assignee
    if filters.priority is not None:
        query["priority"] = filters.priority
    if filters.overdue is True:
        clauses += [{"status": {"$in": list(OPEN_STATUSES)}}, {"due_at": {"$lt": now}}]
    elif filters.overdue is False:
        clauses.append(
            {"$or": [{"status": {"$nin": list(OPEN_STATUSES)}}, {"due_at": {"$gte": now}}]}
        )
    if filters.text:
        tokens = sorted(subject_tokens(filters.text))
        if tokens:
            query["subject_tokens"] = {"$all": tokens}
    if cursor:
        clauses.append(_after(cursor))
    if clauses:
        query["$and"] = clauses
    return query
