"""Ballot seats: how "never more than N votes per voter" holds under any concurrency without
transactions or read-then-write counting.

A voter's ballot has N numbered seats (votes_per_voter) and, when the cycle limits votes per
category, M seats per category. Every vote document names one seat of each kind, and unique
indexes on (tenant, cycle, voter, seat) and (tenant, cycle, voter, category, category seat)
let the database refuse a second vote in a taken seat. A vote tries the seats in turn; when
every one is taken the voter has no votes left. One more unique key, (cycle, voter, project),
refuses a second vote for the same project, however many times it is replayed.
"""

from __future__ import annotations

from collections.abc import Iterator


def seat_candidates(
    votes_per_voter: int, votes_per_category: int | None, project_id: str
) -> Iterator[tuple[int, str]]:
    """Every (seat, category seat) a vote may take, in the order to try them. Without a
    category limit the category seat is the project itself: never a constraint, as a voter
    votes for a project once anyway."""
    category_seats = (
        [str(n) for n in range(1, votes_per_category + 1)]
        if votes_per_category
        else [f"project:{project_id}"]
    )
    for seat in range(1, votes_per_voter + 1):
        for category_seat in category_seats:
            yield seat, category_seat


def vote_id(tenant: str, cycle_id: str, voter_key: str, project_id: str) -> str:
    """The vote's `_id`: one per (tenant, cycle, voter, project) — a replay finds it taken."""
    return f"{tenant}:{cycle_id}:{voter_key}:{project_id}"
