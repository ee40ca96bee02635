"""e2e fixtures: the running suite, reached only through the gateway (and the trace backend,
the mail sink and MongoDB for checking what happened)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from tests.stack import Gateway, Mailbox, env, stack_status


@pytest.fixture(scope="session")
def status() -> dict[str, Any]:
    current = stack_status()
    unhealthy = [name for name, c in current.items() if name in NEEDED and not c["healthy"]]
    if unhealthy:
        pytest.fail(f"the local stack is not healthy: {unhealthy}; run `make up`")
    return current


NEEDED = ("gateway", "appeals", "notify", "kafka", "mongodb", "traces", "smtp")


@pytest.fixture(scope="session")
def gateway(status: dict[str, Any]) -> Gateway:
    return Gateway(status["gateway"]["url"])


@pytest.fixture(scope="session")
def mailbox(status: dict[str, Any]) -> Mailbox:
    return Mailbox(status["smtp"]["maildir"])


@pytest.fixture(scope="session")
def traces(status: dict[str, Any]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=status["traces"]["url"], timeout=10.0) as client:
        yield client


@pytest.fixture(scope="session")
def appeals_db() -> Iterator[Any]:
    client: MongoClient[dict[str, Any]] = MongoClient(
        env("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
    )
    yield client["hromada_appeals"]
    client.close()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]


def appeal_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "kind": "statement",
        "subject": "Ремонт дороги на вул. Головній",
        "text": "Прошу відремонтувати дорогу: вибоїни небезпечні для пішоходів.",
        "address": "м. Чернівці, вул. Головна, 1",
        "email": "olena.koval@example.ua",
    }
    body.update(overrides)
    return body
