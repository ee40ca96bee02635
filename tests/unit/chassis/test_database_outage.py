"""A request that meets the database down answers 503 with Retry-After, never a 500."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient
from pymongo.errors import AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError

from chassis.problems import EXCEPTION_HANDLERS, PROBLEM_MEDIA_TYPE


@pytest.mark.parametrize(
    "error",
    [AutoReconnect("gone"), NetworkTimeout("slow"), ServerSelectionTimeoutError("no server")],
)
def test_the_database_unreachable_is_a_503_a_client_may_retry(error: Exception) -> None:
    @get("/thing")
    async def thing() -> None:
        raise error

    with TestClient(Litestar([thing], exception_handlers=EXCEPTION_HANDLERS)) as client:
        r = client.get("/thing")

    assert r.status_code == 503
    assert r.headers["content-type"].startswith(PROBLEM_MEDIA_TYPE)
    assert r.headers["retry-after"] == "5"
    assert "try again" in r.json()["detail"]


def test_other_failures_stay_500() -> None:
    @get("/thing")
    async def thing() -> None:
        raise RuntimeError("a bug")

    with TestClient(Litestar([thing], exception_handlers=EXCEPTION_HANDLERS)) as client:
        assert client.get("/thing").status_code == 500
