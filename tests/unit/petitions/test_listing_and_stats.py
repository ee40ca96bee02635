"""Public lists (filters, search, cursors), the figures for the dashboard, and the views:
signers are never public."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.petitions.domain import model
from services.petitions.listing import BadCursor, ListRequest, build_query, encode_cursor
from services.petitions.stats import summarise_petitions
from services.petitions.views import PUBLIC_FIELDS, list_item
from tests.unit.petitions.test_domain import NOW, petition


def test_query_is_scoped_to_the_tenant_and_statuses() -> None:
    query = build_query("chernivtsi", ListRequest([model.COLLECTING]))
    assert query == {"tenant": "chernivtsi", "status": {"$in": ["collecting"]}}


def test_text_search_is_case_insensitive_and_literal() -> None:
    query = build_query("t", ListRequest(["collecting"], text=" Парк (центр) "))
    (clause,) = query["$and"]
    pattern = clause["$or"][0]["title"]
    assert pattern == {"$regex": r"Парк\ \(центр\)", "$options": "i"}


def test_cursor_continues_after_the_last_item_of_its_sort() -> None:
    doc = {"_id": "p-9", "signature_count": 40, "created_at": NOW}
    cursor = encode_cursor(doc, "signatures")
    query = build_query("t", ListRequest(["collecting"], "signatures", cursor=cursor))
    assert query["$and"] == [
        {"$or": [{"signature_count": {"$lt": 40}}, {"signature_count": 40, "_id": {"$gt": "p-9"}}]}
    ]
    by_date = encode_cursor(doc, "newest")
    query = build_query("t", ListRequest(["collecting"], "newest", cursor=by_date))
    assert query["$and"][0]["$or"][0] == {"created_at": {"$lt": NOW}}


@pytest.mark.parametrize(
    "cursor", ["garbage!", encode_cursor({"_id": "x", "signature_count": 1}, "signatures")]
)
def test_foreign_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(BadCursor):
        build_query("t", ListRequest(["collecting"], "newest", cursor=cursor))


def test_signers_and_author_contacts_are_never_in_the_public_view() -> None:
    assert not {"signers_list", "author_sub", "author_email", "signatures"} & set(PUBLIC_FIELDS)
    item = list_item({"_id": "p", "status": "collecting", "author_email": "x@y"}, NOW, staff=False)
    assert "author_email" not in item and "moderation_overdue" not in item


def test_staff_lists_show_overdue_moderation() -> None:
    late = {"_id": "p", "status": "moderation", "moderation_due_at": NOW - timedelta(hours=1)}
    assert list_item(late, NOW, staff=True)["moderation_overdue"] is True
    on_time = {**late, "moderation_due_at": NOW + timedelta(hours=1)}
    assert list_item(on_time, NOW, staff=True)["moderation_overdue"] is False


def test_art23_1_stats_count_statuses_signatures_and_overdue_terms() -> None:
    now = datetime(2026, 3, 20, tzinfo=UTC)
    rows = [
        {
            "status": "moderation",
            "signature_count": 1,
            "moderation_due_at": now - timedelta(days=1),
        },
        {
            "status": "moderation",
            "signature_count": 1,
            "moderation_due_at": now + timedelta(days=1),
        },
        {"status": "collecting", "signature_count": 40},
        {
            "status": "under_consideration",
            "signature_count": 250,
            "response_due_at": now - timedelta(days=1),
        },
        {"status": "answered", "signature_count": 300, "response_due_at": now - timedelta(days=9)},
        {"status": "not_supported", "signature_count": 7},
        {"status": "rejected", "signature_count": 1},
    ]
    stats = summarise_petitions(rows, now)
    assert stats.petitions_filed == 7
    assert (stats.in_moderation, stats.moderation_overdue) == (2, 1)
    assert (stats.collecting, stats.under_consideration, stats.response_overdue) == (1, 1, 1)
    assert (stats.answered, stats.not_supported, stats.rejected) == (1, 1, 1)
    assert stats.signatures == 600


def test_the_view_of_a_petition_shows_its_count_threshold_deadline_and_status() -> None:
    p = petition(model.COLLECTING, threshold=250, deadline_at=NOW, signature_count=17)
    from services.petitions.views import petition_view

    view = petition_view(p, NOW, privileged=False)
    assert (view["signature_count"], view["threshold"], view["deadline_at"]) == (17, 250, NOW)
    assert "moderation_due_at" not in view and "rejection_reason" not in view
