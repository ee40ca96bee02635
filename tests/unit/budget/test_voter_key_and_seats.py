"""Voter keys (one person, online or at an ASC, is one key; the raw number is never kept) and
ballot seats (what the unique indexes arbitrate)."""

import pytest

from services.budget.domain.ballot import seat_candidates, vote_id
from services.budget.domain.errors import RuleBroken
from services.budget.domain.voter_key import account_key, normalise_reference, voter_key

SECRET = b"test-secret"


def test_budget_offline_and_online_identifiers_of_one_person_share_a_key() -> None:
    assert normalise_reference(" ab 123-456 ") == "AB123456"
    assert voter_key(SECRET, "ab 123456") == voter_key(SECRET, "AB-123456")
    assert voter_key(SECRET, "1234567890") != voter_key(SECRET, "1234567891")
    key = voter_key(SECRET, "1234567890")
    assert "1234567890" not in key and len(key) == 64
    # Another installation's secret gives other keys: no rainbow table across regions.
    assert voter_key(b"other", "1234567890") != key
    assert account_key(SECRET, "sub-1") != voter_key(SECRET, "SUB1SUB1")


@pytest.mark.parametrize("bad", ["", "12345", "x" * 21, "AB 12 <script>"])
def test_budget_document_reference_must_look_like_one(bad: str) -> None:
    with pytest.raises(RuleBroken) as refused:
        normalise_reference(bad)
    assert refused.value.status == 422 and refused.value.field == "document_ref"


def test_budget_seats_without_a_category_limit() -> None:
    assert list(seat_candidates(3, None, "p1")) == [
        (1, "project:p1"),
        (2, "project:p1"),
        (3, "project:p1"),
    ]


def test_budget_seats_with_a_category_limit_cover_every_pair() -> None:
    assert list(seat_candidates(2, 2, "p1")) == [(1, "1"), (1, "2"), (2, "1"), (2, "2")]
    assert vote_id("t", "c", "k", "p") == "t:c:k:p"
