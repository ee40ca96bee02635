"""Routing at the edge: the right service gets the same path and query; unknown councils,
services and reserved or malformed slugs stop at the gateway with a 404 problem."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from chassis.problems import PROBLEM_MEDIA_TYPE
from tests.unit.gateway.conftest import FakeUpstream

Client = AsyncTestClient[Any]


async def test_path_and_query_reach_the_service_unchanged(
    gateway: Client, upstream: FakeUpstream
) -> None:
    response = await gateway.get("/api/v1/chernivtsi/appeals/items/a%20b?status=open&q=%2F%D1%8F")

    assert response.status_code == 200
    assert response.json() == {"served": "/api/v1/chernivtsi/appeals/items/a%20b"}
    (call,) = upstream.calls
    assert (call.method, call.raw_path) == ("GET", "/api/v1/chernivtsi/appeals/items/a%20b")
    assert call.query == "status=open&q=%2F%D1%8F"


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
async def test_every_method_is_forwarded_to_the_service_root_too(
    gateway: Client, upstream: FakeUpstream, issuer: Any, method: str
) -> None:
    from tests.unit.gateway.conftest import bearer, claims

    response = await gateway.request(
        method, "/api/v1/uzhhorod/petitions", headers=bearer(issuer.sign(claims()))
    )

    assert response.status_code == 200
    assert [(c.method, c.raw_path) for c in upstream.calls] == [
        (method, "/api/v1/uzhhorod/petitions")
    ]


async def test_service_response_headers_come_back_and_hop_by_hop_ones_stop(
    gateway: Client, upstream: FakeUpstream
) -> None:
    upstream.extra_headers = [(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2"), (b"x-kept", b"1")]

    response = await gateway.get(
        "/api/v1/kamianske/budget",
        headers={"Connection": "keep-alive, x-secret-hop", "x-secret-hop": "1", "te": "trailers"},
    )

    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.headers["x-kept"] == "1"
    (call,) = upstream.calls
    assert call.header("x-secret-hop") is None and call.header("te") is None
    assert call.header("x-forwarded-for") == "testclient"
    assert call.header("x-forwarded-proto") == "http"


async def test_request_id_is_forwarded_and_echoed(gateway: Client, upstream: FakeUpstream) -> None:
    response = await gateway.get("/api/v1/chernivtsi/queue", headers={"x-request-id": "req-42"})

    assert response.headers["x-request-id"] == "req-42"
    assert upstream.calls[0].header("x-request-id") == "req-42"


async def test_a_request_id_is_generated_when_missing(
    gateway: Client, upstream: FakeUpstream
) -> None:
    response = await gateway.get("/api/v1/chernivtsi/queue")

    generated = response.headers["x-request-id"]
    assert len(generated) >= 16
    assert upstream.calls[0].header("x-request-id") == generated


@pytest.mark.parametrize("path", ["/not-a-route", "/api/v2/chernivtsi/appeals"])
async def test_even_paths_without_a_route_get_a_request_id(gateway: Client, path: str) -> None:
    response = await gateway.get(path, headers={"x-request-id": "lost-1"})

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers["x-request-id"] == "lost-1"


async def test_the_service_joins_the_callers_trace(gateway: Client, upstream: FakeUpstream) -> None:
    trace_id = "0af7651916cd43dd8448eb211c80319c"
    caller = f"00-{trace_id}-b7ad6b7169203331-01"

    await gateway.get("/api/v1/chernivtsi/notify", headers={"traceparent": caller})

    forwarded = upstream.calls[0].header("traceparent") or ""
    assert forwarded.split("-")[1] == trace_id
    assert forwarded != caller  # the parent is the gateway's own span, not the caller's


async def test_unknown_service_is_a_404_problem(gateway: Client, upstream: FakeUpstream) -> None:
    response = await gateway.get("/api/v1/chernivtsi/parking/spots")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert "parking" in response.json()["detail"]
    assert upstream.calls == []


@pytest.mark.parametrize(
    "slug",
    [
        "lviv",  # unknown (an inactive council is read-only, not gone: test_platform_*)
        *("platform", "auth", "admin", "docs", "health", "dev"),  # reserved
        *("Chernivtsi", "x", "9lives", "a" * 32, "bad_slug"),  # malformed
    ],
)
async def test_unknown_reserved_or_malformed_tenant_is_a_404_problem(
    gateway: Client, upstream: FakeUpstream, slug: str
) -> None:
    response = await gateway.get(f"/api/v1/{slug}/appeals")

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert upstream.calls == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/chernivtsi/appeals/%2E%2E/%2E%2E/uzhhorod/appeals",
        "/api/v1/chernivtsi/appeals/x/%2e",
    ],
)
async def test_dot_segments_cannot_escape_the_checked_tenant(
    gateway: Client, upstream: FakeUpstream, path: str
) -> None:
    response = await gateway.get(path)

    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert upstream.calls == []


async def test_platform_lists_active_tenants(gateway: Client) -> None:
    response = await gateway.get("/api/v1/platform/tenants")

    assert response.status_code == 200
    items = response.json()["items"]
    assert {t["slug"] for t in items} == {"chernivtsi", "uzhhorod", "kamianske"}
    chernivtsi = next(t for t in items if t["slug"] == "chernivtsi")
    assert chernivtsi == {
        "slug": "chernivtsi",
        "name": {"uk": "Чернівецька міська рада", "en": "Chernivtsi City Council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
    }


async def test_demo_tenants_are_seeded_at_start_up(gateway: Client, tenants: Any) -> None:
    ready = await gateway.get("/health/ready")

    assert ready.json()["checks"] == {"mongodb": False, "kafka": False, "tenants_seeded": True}
    assert ready.status_code == 503  # no MongoDB or Kafka in unit tests
    assert tenants.seeded == ["chernivtsi", "uzhhorod", "kamianske"]


async def test_a_cookie_one_answer_set_never_rides_on_someone_elses_request(
    gateway: Client, upstream: FakeUpstream
) -> None:
    upstream.extra_headers = [(b"set-cookie", b"session=first-visitor; Path=/")]
    await gateway.get("/api/v1/kamianske/budget")
    gateway.cookies.clear()  # the next request comes from another person, without cookies
    upstream.extra_headers = []

    await gateway.get("/api/v1/kamianske/budget")

    assert upstream.calls[1].header("cookie") is None


async def test_the_proxy_adds_no_header_the_caller_did_not_send(
    gateway: Client, upstream: FakeUpstream
) -> None:
    """No `Accept-Encoding` (a compressed answer the caller never asked for), no `User-Agent`,
    no `Cookie`: only the forwarding, request-id and trace headers are the gateway's own."""
    for name in ("accept-encoding", "user-agent", "accept", "connection"):
        gateway.headers.pop(name, None)

    await gateway.get("/api/v1/kamianske/budget", headers={"x-mine": "1"})

    (call,) = upstream.calls
    sent = {name for name, _ in call.headers}
    assert "x-mine" in sent
    assert not sent & {"accept-encoding", "user-agent", "accept", "cookie"}
