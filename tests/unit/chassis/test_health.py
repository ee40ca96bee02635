"""/health/ready: which failing dependency takes a pod out of service, and which is only reported."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.testing import TestClient

from chassis.health import HealthController


def app_with(mongodb: bool, kafka: bool) -> Litestar:
    async def mongo_ok() -> bool:
        return mongodb

    async def kafka_ok() -> bool:
        return kafka

    state = State(
        {
            "ready_checks": {"mongodb": mongo_ok, "kafka": kafka_ok},
            "reported_only_checks": frozenset({"kafka"}),
        }
    )
    return Litestar(route_handlers=[HealthController], state=state)


def test_all_dependencies_up_is_ready_and_ok() -> None:
    with TestClient(app_with(mongodb=True, kafka=True)) as client:
        r = client.get("/health/ready")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "checks": {"mongodb": True, "kafka": True}}


def test_kafka_down_keeps_the_pod_in_service_and_says_degraded() -> None:
    with TestClient(app_with(mongodb=True, kafka=False)) as client:
        r = client.get("/health/ready")
    assert r.status_code == 200
    assert r.json() == {"status": "degraded", "checks": {"mongodb": True, "kafka": False}}


def test_the_database_down_takes_the_pod_out_of_service() -> None:
    with TestClient(app_with(mongodb=False, kafka=True)) as client:
        r = client.get("/health/ready")
    assert r.status_code == 503
    assert r.json()["checks"]["mongodb"] is False
