"""What the API shows of a petition: the public view (no signers, ever), and what the author
and the council's staff see on top (moderation terms, the rejection reason)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.petitions.domain.model import Petition

PUBLIC_FIELDS = (
    "id",
    "title",
    "text",
    "status",
    "author_name",
    "signature_count",
    "threshold",
    "signers",
    "created_at",
    "published_at",
    "deadline_at",
    "closed_at",
    "response_due_at",
    "decision",
    "response_text",
    "answered_at",
)


def petition_view(petition: Petition, now: datetime, *, privileged: bool) -> dict[str, Any]:
    view = {name: getattr(petition, name) for name in PUBLIC_FIELDS}
    view["response_overdue"] = petition.response_overdue(now)
    if privileged:  # the author or the council's staff
        view["moderation_due_at"] = petition.moderation_due_at
        view["moderation_overdue"] = petition.moderation_overdue(now)
        view["rejection_reason"] = petition.rejection_reason
    return view


def list_item(doc: dict[str, Any], now: datetime, *, staff: bool) -> dict[str, Any]:
    item = {
        "id": doc["_id"],
        "title": doc.get("title"),
        "status": doc.get("status"),
        "author_name": doc.get("author_name"),
        "signature_count": doc.get("signature_count", 0),
        "threshold": doc.get("threshold"),
        "created_at": doc.get("created_at"),
        "published_at": doc.get("published_at"),
        "deadline_at": doc.get("deadline_at"),
        "decision": doc.get("decision"),
    }
    if staff:
        due = doc.get("moderation_due_at")
        item["moderation_due_at"] = due
        item["moderation_overdue"] = bool(
            doc.get("status") == "moderation" and isinstance(due, datetime) and due < now
        )
    return item
