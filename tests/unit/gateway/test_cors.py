"""CORS per council: the allowlist decision, preflights answered by the gateway itself (204 for
an allowed origin, 403 problem otherwise) and the headers on actual responses."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from chassis.problems import PROBLEM_MEDIA_TYPE
from gateway.cors import is_allowed_origin, tenant_of
from gateway.tenant_settings import TenantSettings
from tests.unit.gateway.conftest import FakeTenantDirectory, FakeUpstream, build_gateway

APP = "https://e.uzhhorod.ua"
PREFLIGHT = {"Origin": APP, "Access-Control-Request-Method": "POST"}


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (APP, True),
        ("https://E.Uzhhorod.ua/", True),
        ("http://e.uzhhorod.ua", False),  # another scheme is another origin
        ("https://e.uzhhorod.ua:8443", False),
        ("https://evil.example", False),
        ("null", False),
        ("*", False),
        (None, False),
    ],
)
def test_only_an_exact_origin_from_the_list_is_allowed(origin: str | None, allowed: bool) -> None:
    assert is_allowed_origin(origin, [APP, "*"]) is allowed


def test_council_api_paths_name_their_council_and_others_none() -> None:
    assert tenant_of("/api/v1/uzhhorod/appeals") == "uzhhorod"
    assert tenant_of("/api/v1/platform/tenants") is None
    assert tenant_of("/health/live") is None


@pytest.fixture
async def gateway(
    dev_key_file: Path, upstream: FakeUpstream
) -> AsyncIterator[AsyncTestClient[Any]]:
    tenants = FakeTenantDirectory()
    with_origins = TenantSettings.model_validate({"cors_origins": [APP]})
    tenants.tenants["uzhhorod"] = replace(tenants.tenants["uzhhorod"], settings=with_origins)
    async with AsyncTestClient(build_gateway(dev_key_file, upstream, tenants)) as client:
        yield client


async def test_a_preflight_from_an_allowed_origin_is_answered_by_the_gateway(
    gateway: AsyncTestClient[Any], upstream: FakeUpstream
) -> None:
    response = await gateway.options("/api/v1/uzhhorod/appeals", headers=PREFLIGHT)

    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == APP
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    for name in ("authorization", "content-type", "idempotency-key", "x-request-id"):
        assert name in allowed_headers
    assert int(response.headers["access-control-max-age"]) > 0
    assert "Origin" in response.headers["vary"]
    assert "access-control-allow-credentials" not in response.headers
    assert "x-request-id" in response.headers
    assert upstream.calls == []


@pytest.mark.parametrize(
    ("path", "origin"),
    [
        ("/api/v1/uzhhorod/appeals", "https://evil.example"),
        ("/api/v1/chernivtsi/appeals", APP),  # allowed by another council only
        ("/api/v1/lviv/appeals", APP),  # no such council
    ],
)
async def test_a_preflight_from_any_other_origin_is_a_403_problem_without_cors_headers(
    gateway: AsyncTestClient[Any], upstream: FakeUpstream, path: str, origin: str
) -> None:
    response = await gateway.options(
        path, headers={"Origin": origin, "Access-Control-Request-Method": "POST"}
    )

    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert not [h for h in response.headers if h.startswith("access-control-")]
    assert upstream.calls == []


async def test_an_actual_response_to_an_allowed_origin_names_that_origin(
    gateway: AsyncTestClient[Any],
) -> None:
    response = await gateway.get("/api/v1/uzhhorod/appeals/A-1", headers={"Origin": APP})

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == APP
    assert "Retry-After" in response.headers["access-control-expose-headers"]
    assert "Origin" in response.headers["vary"]


async def test_an_actual_response_to_another_origin_has_no_cors_headers(
    gateway: AsyncTestClient[Any],
) -> None:
    response = await gateway.get(
        "/api/v1/uzhhorod/appeals/A-1", headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 200
    assert not [h for h in response.headers if h.startswith("access-control-")]


async def test_an_options_request_that_is_no_preflight_goes_to_the_service(
    gateway: AsyncTestClient[Any], upstream: FakeUpstream
) -> None:
    response = await gateway.options("/api/v1/uzhhorod/appeals")

    assert response.status_code == 200
    assert [c.method for c in upstream.calls] == ["OPTIONS"]
