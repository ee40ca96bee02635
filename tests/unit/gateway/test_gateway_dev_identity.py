"""The dev identity provider: tokens with the asked-for claims, verifiable with the published
JWKS; bad claims are a 422 naming the field; the key survives restarts; absent in prod."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from litestar.testing import AsyncTestClient

from chassis.problems import PROBLEM_MEDIA_TYPE
from gateway.dev_identity import load_or_create_signing_key
from tests.unit.gateway.conftest import AUDIENCE, ISSUER, FakeUpstream, bearer, build_gateway

Client = AsyncTestClient[Any]


async def test_a_dev_token_carries_the_claims_and_verifies_with_the_jwks(gateway: Client) -> None:
    asked = {
        "sub": "official-7",
        "name": "Марія Шевчук",
        "email": "m.shevchuk@example.ua",
        "roles": ["official", "tenant_admin"],
        "tenant": "chernivtsi",
        "birthdate": "1985-04-12",
        "residence": "chernivtsi",
        "acr": "high",
        "expires_in": 600,
    }

    issued = await gateway.post("/auth/dev/token", json=asked)
    jwks = await gateway.get("/.well-known/jwks.json")

    assert issued.status_code == 200
    body = issued.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 600)
    keys = KeySet.import_key_set(jwks.json())
    token = jwt.decode(body["access_token"], keys, algorithms=["RS256"])
    assert token.header["kid"] == keys.keys[0].kid
    assert token.claims["exp"] - token.claims["iat"] == 600
    assert {k: token.claims[k] for k in ("iss", "aud")} == {"iss": ISSUER, "aud": AUDIENCE}
    assert {k: token.claims[k] for k in asked if k != "expires_in"} == {
        k: v for k, v in asked.items() if k != "expires_in"
    }


async def test_the_jwks_holds_no_private_parts(gateway: Client) -> None:
    (key,) = (await gateway.get("/.well-known/jwks.json")).json()["keys"]

    assert key["kty"] == "RSA" and key["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"}.intersection(key)


async def test_defaults_are_a_citizen_for_an_hour(gateway: Client) -> None:
    issued = (await gateway.post("/auth/dev/token", json={"sub": "c-1"})).json()

    claims = jwt.decode(
        issued["access_token"],
        KeySet.import_key_set((await gateway.get("/.well-known/jwks.json")).json()),
    ).claims
    assert issued["expires_in"] == 3600
    assert (claims["roles"], claims["acr"]) == (["citizen"], "low")


async def test_the_gateway_accepts_its_own_tokens(gateway: Client, upstream: FakeUpstream) -> None:
    token = (await gateway.post("/auth/dev/token", json={"sub": "c-2"})).json()["access_token"]

    response = await gateway.post("/api/v1/uzhhorod/petitions", json={}, headers=bearer(token))

    assert response.status_code == 200
    assert len(upstream.calls) == 1


@pytest.mark.parametrize(
    ("claims", "field"),
    [
        ({"name": "Без sub"}, "sub"),
        ({"sub": ""}, "sub"),
        ({"sub": "x", "roles": ["mayor"]}, "roles[0]"),
        ({"sub": "x", "roles": "citizen"}, "roles"),
        ({"sub": "x", "acr": "medium"}, "acr"),
        ({"sub": "x", "tenant": "Not A Slug"}, "tenant"),
        ({"sub": "x", "residence": "_"}, "residence"),
        ({"sub": "x", "birthdate": "12.04.1985"}, "birthdate"),
        ({"sub": "x", "expires_in": 0}, "expires_in"),
        ({"sub": "x", "expires_in": 10**9}, "expires_in"),
    ],
)
async def test_bad_claims_are_a_422_naming_the_field(
    gateway: Client, claims: dict[str, Any], field: str
) -> None:
    response = await gateway.post("/auth/dev/token", json=claims)

    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_the_discovery_document_points_at_the_dev_issuer(gateway: Client) -> None:
    config = (await gateway.get("/.well-known/openid-configuration")).json()

    assert config["issuer"] == ISSUER
    assert config["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert config["token_endpoint"] == f"{ISSUER}/auth/dev/token"


def test_the_signing_key_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dev-signing-key.json"

    first = load_or_create_signing_key(path)
    second = load_or_create_signing_key(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.kid == second.kid
    assert first.as_dict(private=True) == second.as_dict(private=True)
    assert [p.name for p in path.parent.iterdir()] == ["dev-signing-key.json"]


async def test_tokens_survive_a_restart(dev_key_file: Path) -> None:
    async with AsyncTestClient(build_gateway(dev_key_file, FakeUpstream())) as before:
        token = (await before.post("/auth/dev/token", json={"sub": "c-3"})).json()["access_token"]

    async with AsyncTestClient(build_gateway(dev_key_file, FakeUpstream())) as after:
        response = await after.post("/api/v1/kamianske/budget", headers=bearer(token))

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/auth/dev/token"),
        ("GET", "/.well-known/jwks.json"),
        ("GET", "/.well-known/openid-configuration"),
    ],
)
async def test_prod_has_no_dev_identity_routes(tmp_path: Path, method: str, path: str) -> None:
    key_file = tmp_path / "never-created.json"
    app = build_gateway(key_file, FakeUpstream(), env="prod")

    async with AsyncTestClient(app) as client:
        response = await client.request(method, path, json={"sub": "x"})

    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    assert not key_file.exists()
