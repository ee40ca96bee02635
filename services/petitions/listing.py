"""Petition lists: filters, text search and keyset (cursor) pagination.

A cursor is the sort key of the last item shown plus its `_id`, so a page never repeats or
skips an item that did not move; a petition whose count changes between two pages may move
(the list is live).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.petitions.domain.model import ANSWERED, COLLECTING, PUBLIC_STATUSES, STATUSES

# sort name -> (field, direction); ties broken by `_id` ascending.
SORTS: dict[str, tuple[str, int]] = {
    "signatures": ("signature_count", -1),
    "newest": ("created_at", -1),
    "ending_soon": ("deadline_at", 1),
}
# The public filter values; staff may also ask for any single status (moderation, ...).
PUBLIC_FILTERS = {"collecting": [COLLECTING], "answered": [ANSWERED], "all": list(PUBLIC_STATUSES)}
STAFF_FILTERS = {status: [status] for status in STATUSES}


class BadCursor(Exception):
    """The cursor was not produced by this service for this sort."""


@dataclass(frozen=True)
class ListRequest:
    statuses: list[str]
    sort: str = "newest"
    text: str | None = None
    cursor: str | None = None


def encode_cursor(doc: dict[str, Any], sort: str) -> str:
    field, _ = SORTS[sort]
    value = doc.get(field)
    raw = value.isoformat() if isinstance(value, datetime) else value
    payload = json.dumps([sort, raw, doc["_id"]]).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> tuple[Any, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, value, last_id = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise BadCursor(cursor) from exc
    if made_for != sort:
        raise BadCursor(cursor)
    if isinstance(value, str) and SORTS[sort][0] != "signature_count":
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise BadCursor(cursor) from exc
    return value, str(last_id)


def build_query(tenant: str, request: ListRequest) -> dict[str, Any]:
    query: dict[str, Any] = {"tenant": tenant, "status": {"$in": request.statuses}}
    clauses: list[dict[str, Any]] = []
    if request.text and request.text.strip():
        # Case-insensitive substring of the title or the text; kept simple on purpose.
        pattern = {"$regex": re.escape(request.text.strip()), "$options": "i"}
        clauses.append({"$or": [{"title": pattern}, {"text": pattern}]})
    if request.cursor:
        field, direction = SORTS[request.sort]
        value, last_id = _decode(request.cursor, request.sort)
        beyond = "$lt" if direction < 0 else "$gt"
        clauses.append({"$or": [{field: {beyond: value}}, {field: value, "_id": {"$gt": last_id}}]})
    if clauses:
        query["$and"] = clauses
    return query


def sort_of(sort: str) -> list[tuple[str, int]]:
    field, direction = SORTS[sort]
    return [(field, direction), ("_id", 1)]
