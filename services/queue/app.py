"""Wiring of the queue service. Only health, metrics and the schema so far: the stack,
the gateway and the chart already treat it as a member of the suite."""

from __future__ import annotations

from litestar import Litestar

from chassis.service import Infrastructure, create_service_app
from services.queue.settings import QueueSettings


def create_app(settings: QueueSettings | None = None) -> Litestar:
    infra = Infrastructure(settings or QueueSettings())
    return create_service_app(
        infra, title="Hromada queue", route_handlers=[], extra_state={"broker": infra.broker}
    )
