"""Wiring of the payments service. Only health, metrics and the schema so far: the stack,
the gateway and the chart already treat it as a member of the suite."""

from __future__ import annotations

from litestar import Litestar

from chassis.service import Infrastructure, create_service_app
from services.payments.settings import PaymentsSettings


def create_app(settings: PaymentsSettings | None = None) -> Litestar:
    infra = Infrastructure(settings or PaymentsSettings())
    return create_service_app(
        infra, title="Hromada payments", route_handlers=[], extra_state={"broker": infra.broker}
    )
