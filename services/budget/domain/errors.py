"""The one way a budget rule refuses: an HTTP status, a bilingual detail, and the field at fault.

The domain imports nothing from the web layer; the use cases turn a `RuleBroken` into a
problem+json answer (`services.budget.problems.as_problem`).
"""

from __future__ import annotations


class RuleBroken(Exception):
    """A participatory-budget rule says no. `status`: 403 who may not, 404 not found,
    409 not now / not again, 422 bad input."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
