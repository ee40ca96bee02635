"""Results of a cycle, per category: projects ranked by votes, and the funded set.

The rule (also in the README): within each category, rank the eligible projects by votes,
most first; a tie goes to the project submitted earlier (then by id, so the order is total).
Walk the ranking with the category's funds: a project is funded when its cost fits in what
is left, and then what is left shrinks by its cost; a project that no longer fits is skipped
and the walk goes on, so a cheaper project further down can still be funded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from services.budget.domain.cycle import Category


@dataclass(frozen=True)
class Candidate:
    id: str
    title: str
    category: str
    cost: int
    submitted_at: datetime


@dataclass(frozen=True)
class Ranked:
    id: str
    title: str
    cost: int
    votes: int
    rank: int
    funded: bool


@dataclass(frozen=True)
class CategoryResult:
    code: str
    title: str
    funds: int
    allocated: int
    ranking: tuple[Ranked, ...]

    @property
    def funded_ids(self) -> list[str]:
        return [r.id for r in self.ranking if r.funded]


def rank_category(
    category: Category, candidates: Iterable[Candidate], votes: Mapping[str, int]
) -> CategoryResult:
    ordered = sorted(candidates, key=lambda c: (-votes.get(c.id, 0), c.submitted_at, c.id))
    left = category.funds
    ranking = []
    for position, candidate in enumerate(ordered, start=1):
        funded = candidate.cost <= left
        if funded:
            left -= candidate.cost
        ranking.append(
            Ranked(
                candidate.id,
                candidate.title,
                candidate.cost,
                votes.get(candidate.id, 0),
                position,
                funded,
            )
        )
    return CategoryResult(
        category.code, category.title, category.funds, category.funds - left, tuple(ranking)
    )


def compute_results(
    categories: Iterable[Category], candidates: Iterable[Candidate], votes: Mapping[str, int]
) -> list[CategoryResult]:
    by_category: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_category.setdefault(candidate.category, []).append(candidate)
    return [rank_category(c, by_category.get(c.code, []), votes) for c in categories]
