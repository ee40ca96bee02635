"""The web app in process, with the gateway played by a recording fake: sessions, CSRF, the
sign-in redirect, and problem+json field errors shown next to their fields."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from web.app import create_app
from web.settings import WebSettings


def fake_token(**claims: Any) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"e30.{payload}.sig"


class FakeGateway:
    """Answers what the pages ask the gateway, and remembers every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/auth/dev/token":
            claims = json.loads(request.content)
            return httpx.Response(200, json={"access_token": fake_token(**claims, exp=4e9)})
        if path == "/api/v1/platform/tenants":
            return httpx.Response(200, json={"items": [{"slug": "chernivtsi", "name": {}}]})
        if path == "/api/v1/chernivtsi/appeals" and request.method == "POST":
            problem = {
                "status": 422,
                "detail": "subject: is required",
                "errors": [{"field": "subject", "message": "is required"}],
            }
            return httpx.Response(422, json=problem)
        return httpx.Response(404, json={"status": 404, "detail": "not here"})


@pytest.fixture
def fake() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def client(fake: FakeGateway) -> Iterator[TestClient[Any]]:
    app = create_app(WebSettings(env="test"), transport=httpx.MockTransport(fake))
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form token"
    return found.group(1)


def sign_in(client: TestClient[Any], role: str = "citizen") -> None:
    page = client.get("/app/sign-in")
    answer = client.post(
        "/app/sign-in",
        data={"csrf": csrf_of(page.text), "council": "chernivtsi", "role": role, "sub": "c1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def test_a_visitor_gets_a_signed_http_only_same_site_session(client: TestClient[Any]) -> None:
    page = client.get("/app/sign-in")

    cookie = page.headers["set-cookie"]
    assert cookie.startswith("hromada_session=") and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_a_form_without_the_sessions_token_is_refused(
    client: TestClient[Any], fake: FakeGateway
) -> None:
    client.get("/app/sign-in")

    answer = client.post("/app/sign-in", data={"csrf": "forged", "role": "citizen"})

    assert answer.status_code == 403
    assert not any(r.url.path == "/auth/dev/token" for r in fake.requests)


def test_a_page_for_signed_in_people_sends_visitors_to_sign_in_and_back(
    client: TestClient[Any],
) -> None:
    answer = client.get("/app/chernivtsi/appeals/new", follow_redirects=False)

    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/sign-in?next=/app/chernivtsi/appeals/new"


def test_dev_sign_in_asks_the_gateway_for_the_chosen_role_and_council(
    client: TestClient[Any], fake: FakeGateway
) -> None:
    sign_in(client, role="official")

    (asked,) = [json.loads(r.content) for r in fake.requests if r.url.path == "/auth/dev/token"]
    assert asked["roles"] == ["official"] and asked["tenant"] == "chernivtsi"
    assert "Вхідні звернення" in client.get("/app/chernivtsi/").text


def test_field_errors_of_the_api_are_shown_next_to_their_fields(
    client: TestClient[Any], fake: FakeGateway
) -> None:
    sign_in(client)
    form = client.get("/app/chernivtsi/appeals/new")

    answer = client.post(
        "/app/chernivtsi/appeals/new",
        data={"csrf": csrf_of(form.text), "kind": "statement", "subject": ""},
    )

    assert answer.status_code == 422
    assert re.search(r'<p class="error" id="e-subject">is required</p>', answer.text)
    assert 'aria-invalid="true" aria-describedby="e-subject"' in answer.text
    (filed,) = [r for r in fake.requests if r.method == "POST" and "appeals" in r.url.path]
    assert filed.headers["authorization"].startswith("Bearer e30.")
    assert filed.headers["idempotency-key"]


def test_english_on_request(client: TestClient[Any]) -> None:
    switched = client.get("/app/lang/en?next=/app/sign-in")

    assert switched.url.path == "/app/sign-in"
    assert '<html lang="en">' in switched.text and "Sign in" in switched.text


def test_production_refuses_the_dev_sign_in_and_a_missing_session_secret() -> None:
    with pytest.raises(RuntimeError, match="SIGN_IN"):
        create_app(WebSettings(env="prod", sign_in="dev", session_secret="s"))
    with pytest.raises(RuntimeError, match="SESSION_SECRET"):
        create_app(WebSettings(env="prod", sign_in="oidc"))
