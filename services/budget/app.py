"""Wiring of the budget service. Only health, metrics and the schema so far: the stack,
the gateway and the chart already treat it as a member of the suite."""

from __future__ import annotations

from litestar import Litestar

from chassis.service import Infrastructure, create_service_app
from services.budget.settings import BudgetSettings


def create_app(settings: BudgetSettings | None = None) -> Litestar:
    infra = Infrastructure(settings or BudgetSettings())
    return create_service_app(
        infra, title="Hromada budget", route_handlers=[], extra_state={"broker": infra.broker}
    )
