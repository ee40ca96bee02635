"""The funding rule: rank by votes (ties: earlier submission), fund while money remains,
skip a project that no longer fits and keep going."""

from datetime import UTC, datetime, timedelta

from services.budget.domain.cycle import Category
from services.budget.domain.results import Candidate, compute_results, rank_category

T0 = datetime(2026, 2, 1, tzinfo=UTC)
SMALL = Category("small", "Малі", funds=1000, max_project_cost=700)


def candidate(pid: str, cost: int, minutes: int = 0, category: str = "small") -> Candidate:
    return Candidate(pid, pid.upper(), category, cost, T0 + timedelta(minutes=minutes))


def test_budget_results_fund_in_rank_order_and_skip_what_no_longer_fits() -> None:
    projects = [candidate("a", 600), candidate("b", 500, 1), candidate("c", 300, 2)]
    result = rank_category(SMALL, projects, {"a": 10, "b": 8, "c": 5})
    assert [(r.id, r.rank, r.funded) for r in result.ranking] == [
        ("a", 1, True),
        ("b", 2, False),  # 500 > 400 left: skipped
        ("c", 3, True),  # 300 still fits
    ]
    assert result.allocated == 900
    assert result.funded_ids == ["a", "c"]


def test_budget_results_tie_goes_to_the_earlier_submission() -> None:
    projects = [candidate("late", 600, 5), candidate("early", 600, 1)]
    result = rank_category(SMALL, projects, {"late": 7, "early": 7})
    assert [r.id for r in result.ranking] == ["early", "late"]
    assert result.funded_ids == ["early"]


def test_budget_results_projects_without_votes_rank_last_and_categories_stay_apart() -> None:
    large = Category("large", "Великі", funds=5000, max_project_cost=5000)
    projects = [candidate("x", 100), candidate("y", 4000, 1, "large"), candidate("z", 200, 2)]
    results = compute_results([SMALL, large], projects, {"z": 1})
    small, big = results
    assert [r.id for r in small.ranking] == ["z", "x"]
    assert [r.votes for r in small.ranking] == [1, 0]
    assert big.funded_ids == ["y"]
    assert compute_results([SMALL], [], {})[0].ranking == ()
