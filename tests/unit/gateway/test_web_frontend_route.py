"""The web frontend behind the gateway: `/` and `/app/...` reach the web app unchanged, forms
need no bearer token (the pages carry their own session), and its cookies and page policy
come back to the browser as sent."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.unit.gateway.conftest import FakeUpstream

Client = AsyncTestClient[Any]


async def test_pages_reach_the_web_app_with_path_and_query(
    gateway: Client, upstream: FakeUpstream
) -> None:
    response = await gateway.get("/app/chernivtsi/appeals?status=registered")

    assert response.status_code == 200
    (call,) = upstream.calls
    assert (call.method, call.raw_path, call.query) == (
        "GET",
        "/app/chernivtsi/appeals",
        "status=registered",
    )
    assert call.header("x-forwarded-for")  # the web app limits anonymous reads per visitor


async def test_the_root_goes_to_the_web_app_too(gateway: Client, upstream: FakeUpstream) -> None:
    await gateway.get("/")

    assert [c.raw_path for c in upstream.calls] == ["/"]


async def test_a_form_post_needs_no_bearer_token_and_its_body_arrives(
    gateway: Client, upstream: FakeUpstream
) -> None:
    response = await gateway.post("/app/sign-in", data={"csrf": "x", "role": "citizen"})

    assert response.status_code == 200
    (call,) = upstream.calls
    assert call.method == "POST" and call.body == b"csrf=x&role=citizen"


async def test_every_cookie_and_the_pages_own_policy_come_back(
    gateway: Client, upstream: FakeUpstream
) -> None:
    upstream.extra_headers = [
        (b"set-cookie", b"hromada_session=a; HttpOnly"),
        (b"set-cookie", b"lang=en"),
        (b"content-security-policy", b"default-src 'self'"),
    ]

    response = await gateway.get("/app/")

    assert response.headers.get_list("set-cookie") == ["hromada_session=a; HttpOnly", "lang=en"]
    assert response.headers["content-security-policy"] == "default-src 'self'"


async def test_one_visitors_cookie_is_never_sent_with_another_visitors_request(
    gateway: Client, upstream: FakeUpstream
) -> None:
    upstream.extra_headers = [(b"set-cookie", b"hromada_session=first-visitor; Path=/")]
    await gateway.get("/app/sign-in")
    gateway.cookies.clear()  # the next visitor's browser has no cookies

    await gateway.get("/app/")

    assert upstream.calls[-1].header("cookie") is None
