"""The council's participatory-budget figures for its staff and the regional dashboard: cycles,
projects (submitted, on the ballot, funded), supports, and votes online and at ASCs — the sums
of each cycle's tally (tally.py), recounted by the phase job every few seconds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import Parameter

from chassis.auth import Principal
from chassis.guards import require_platform_admin, require_staff_of_or_platform_admin
from services.budget.tally import Tallies

MAX_TENANTS = 1000


class BudgetStatsController(Controller):
    path = "/api/v1/{tenant:str}/budget/stats"
    tags = ["stats"]

    @get("/", operation_id="get_budget_stats")
    async def get_budget_stats(
        self, tenant: str, principal: Principal, budget_tallies: Tallies
    ) -> dict[str, Any]:
        """The council's figures: for its staff and platform administrators only."""
        require_staff_of_or_platform_admin(principal, tenant)
        figures = await budget_tallies.figures_of([tenant])
        return {"tenant": tenant, "as_of": datetime.now(UTC), **figures[tenant]}


class PlatformBudgetStatsController(Controller):
    path = "/api/v1/platform/budget/stats"
    tags = ["stats"]

    @get("/", operation_id="get_budget_stats_of_councils")
    async def get_budget_stats_of_councils(
        self,
        principal: Principal,
        budget_tallies: Tallies,
        tenants: Annotated[str, Parameter(max_length=40_000)],
    ) -> dict[str, Any]:
        """`?tenants=a,b,c` -> `{"items": {slug: figures}}`; platform administrators only."""
        require_platform_admin(principal)
        slugs = [s for s in dict.fromkeys(tenants.split(",")) if s][:MAX_TENANTS]
        return {"as_of": datetime.now(UTC), "items": await budget_tallies.figures_of(slugs)}
