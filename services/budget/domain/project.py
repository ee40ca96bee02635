"""Projects residents propose: what a valid proposal is, the review, and implementation."""

from __future__ import annotations

from dataclasses import dataclass

from services.budget.domain.cycle import Cycle
from services.budget.domain.errors import RuleBroken

IMPLEMENTATION_STATUSES = ("planned", "procurement", "in_progress", "done", "suspended")
MAX_TITLE = 200
MAX_DESCRIPTION = 10_000


@dataclass(frozen=True)
class ProjectDraft:
    title: str
    description: str
    category: str
    cost: int
    location: str | None = None


def validate_draft(cycle: Cycle, draft: ProjectDraft) -> None:
    if not draft.title.strip() or len(draft.title) > MAX_TITLE:
        raise RuleBroken(422, f"The title must be 1 to {MAX_TITLE} characters.", "title")
    if not draft.description.strip() or len(draft.description) > MAX_DESCRIPTION:
        raise RuleBroken(
            422, f"The description must be 1 to {MAX_DESCRIPTION} characters.", "description"
        )
    category = cycle.category(draft.category)
    if category is None:
        codes = ", ".join(c.code for c in cycle.categories)
        raise RuleBroken(422, f"Unknown category; one of: {codes}.", "category")
    require_cost_fits(draft.cost, category.max_project_cost)


def require_cost_fits(cost: int, max_project_cost: int) -> None:
    if cost <= 0:
        raise RuleBroken(422, "The cost must be a positive number of hryvnias.", "cost")
    if cost > max_project_cost:
        raise RuleBroken(
            422,
            f"Вартість перевищує {max_project_cost} грн / The cost exceeds the category's "
            f"maximum of {max_project_cost} UAH.",
            "cost",
        )


def require_reviewable(status: str, supports: int, threshold: int, eligible: bool) -> None:
    """Only a submitted project is reviewed, once; an eligible one needs the supports."""
    if status != "submitted":
        raise RuleBroken(409, f"The project was already reviewed (status: {status}).")
    if eligible and supports < threshold:
        raise RuleBroken(
            409,
            f"Проєкт має {supports} з {threshold} потрібних підтримок / The project has "
            f"{supports} of the {threshold} supports needed.",
        )


def require_implementation_update(status: str, progress: int, project_status: str) -> None:
    if status not in IMPLEMENTATION_STATUSES:
        raise RuleBroken(
            422, f"Unknown status; one of: {', '.join(IMPLEMENTATION_STATUSES)}.", "status"
        )
    if not 0 <= progress <= 100:
        raise RuleBroken(422, "Progress is a percentage, 0 to 100.", "progress")
    if project_status != "eligible":
        raise RuleBroken(409, f"Only a project on the ballot is built (status: {project_status}).")
