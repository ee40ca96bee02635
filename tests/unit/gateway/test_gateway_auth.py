"""Auth at the edge: reads may be anonymous, changes need a valid token, and any token that is
sent must pass issuer, audience, expiry, algorithm and key checks (401 problem otherwise)."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from litestar.testing import AsyncTestClient

from chassis.problems import PROBLEM_MEDIA_TYPE
from gateway.dev_identity import DevIssuer
from tests.unit.gateway.conftest import FakeUpstream, bearer, claims

Client = AsyncTestClient[Any]
PATH = "/api/v1/chernivtsi/appeals"


def b64(part: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def assert_rejected(response: Any, upstream: FakeUpstream) -> None:
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert upstream.calls == []


async def test_anonymous_reads_pass(gateway: Client, upstream: FakeUpstream) -> None:
    response = await gateway.get(PATH)

    assert response.status_code == 200
    assert upstream.calls[0].header("authorization") is None


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_changes_without_a_token_are_401(
    gateway: Client, upstream: FakeUpstream, method: str
) -> None:
    response = await gateway.request(method, PATH, json={"subject": "Дорога"})

    assert_rejected(response, upstream)


async def test_a_valid_token_passes_untouched(
    gateway: Client, upstream: FakeUpstream, issuer: DevIssuer
) -> None:
    token = issuer.sign(claims())

    response = await gateway.post(PATH, json={"subject": "Дорога"}, headers=bearer(token))

    assert response.status_code == 200
    assert upstream.calls[0].header("authorization") == f"Bearer {token}"
    assert json.loads(upstream.calls[0].body) == {"subject": "Дорога"}


def _with_payload(token: str, payload: dict[str, Any]) -> str:
    header, _, signature = token.split(".")
    return f"{header}.{b64(payload)}.{signature}"


def _token_cases(issuer: DevIssuer, other_key: RSAKey) -> dict[str, str]:
    kid = issuer.key.kid
    now = int(time.time())
    return {
        "signed by another key": jwt.encode({"alg": "RS256", "kid": kid}, claims(), other_key),
        "unknown kid": jwt.encode({"alg": "RS256", "kid": "nope"}, claims(), other_key),
        "expired": issuer.sign(claims(iat=now - 7200, nbf=now - 7200, exp=now - 3600)),
        "not yet valid": issuer.sign(claims(nbf=now + 3600, exp=now + 7200)),
        "wrong audience": issuer.sign(claims(aud="someone-else")),
        "wrong issuer": issuer.sign(claims(iss="https://evil.example")),
        "no expiry": issuer.sign(claims(exp=None)),
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}.",
        "HS256 with the public key": f"{b64({'alg': 'HS256', 'kid': kid})}.{b64(claims())}.c2ln",
        "jku header": jwt.encode(
            {"alg": "RS256", "kid": kid, "jku": "https://evil.example/jwks.json"},
            claims(),
            issuer.key,
        ),
        "jwk header": jwt.encode(
            {"alg": "RS256", "kid": kid, "jwk": other_key.as_dict(private=False)},
            claims(),
            issuer.key,
        ),
        "garbage": "not-a-token",
        "tampered payload": _with_payload(issuer.sign(claims()), claims(roles=["platform_admin"])),
    }


CASES = [
    "signed by another key",
    "unknown kid",
    "expired",
    "not yet valid",
    "wrong audience",
    "wrong issuer",
    "no expiry",
    "alg none",
    "HS256 with the public key",
    "jku header",
    "jwk header",
    "garbage",
    "tampered payload",
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_a_bad_token_is_401_even_on_reads(
    gateway: Client,
    upstream: FakeUpstream,
    issuer: DevIssuer,
    other_key: RSAKey,
    case: str,
    method: str,
) -> None:
    token = _token_cases(issuer, other_key)[case]

    response = await gateway.request(method, PATH, headers=bearer(token))

    assert_rejected(response, upstream)


async def test_a_non_bearer_authorization_is_401(gateway: Client, upstream: FakeUpstream) -> None:
    response = await gateway.get(PATH, headers={"Authorization": "Basic dXNlcjpwYXNz"})

    assert_rejected(response, upstream)


async def test_rejections_are_logged_without_the_token(
    gateway: Client, issuer: DevIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    token = issuer.sign(claims(aud="someone-else"))

    await gateway.post(PATH, headers=bearer(token))

    logged = " ".join(str(record.msg) for record in caplog.records)
    assert "auth.rejected" in logged
    assert all(part not in logged for part in token.split("."))
