"""Token verification: every rejection case a service must make on its own."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from chassis.auth import JwtVerifier, Principal
from chassis.problems import Problem

ISS, AUD = "https://id.example.gov.ua", "hromada"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


def verifier() -> JwtVerifier:
    v = JwtVerifier("http://unused.invalid/jwks", ISS, AUD, algorithms=["RS256"])
    v.use_keys(KeySet([RSAKey.import_key(KEY.as_dict(private=False))]))
    return v


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values = {
        "iss": ISS,
        "aud": AUD,
        "sub": "c1",
        "name": "Олена",
        "roles": ["citizen"],
        "acr": "substantial",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def sign(payload: dict[str, Any], key: RSAKey = KEY, **header: Any) -> str:
    return jwt.encode({"alg": "RS256", "kid": "k1", **header}, payload, key)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_valid_token_gives_the_principal() -> None:
    principal = await verifier().verify(sign(claims(tenant="chernivtsi", roles=["official"])))
    assert principal == Principal(
        sub="c1",
        name="Олена",
        roles=frozenset({"official"}),
        tenant="chernivtsi",
        acr="substantial",
    )
    assert principal.is_staff_of("chernivtsi") and not principal.is_staff_of("uzhhorod")


@pytest.mark.parametrize(
    "token_claims",
    [
        claims(exp=int(time.time()) - 120),  # expired
        claims(nbf=int(time.time()) + 600),  # not yet valid
        claims(aud="another-audience"),
        claims(iss="https://evil.example"),
        claims(exp=None),  # no expiry at all
    ],
    ids=["expired", "not-yet-valid", "wrong-aud", "wrong-iss", "no-exp"],
)
async def test_invalid_claims_are_401(token_claims: dict[str, Any]) -> None:
    with pytest.raises(Problem) as caught:
        await verifier().verify(sign(token_claims))
    assert caught.value.status == 401


async def test_token_signed_by_another_key_is_401() -> None:
    with pytest.raises(Problem) as caught:
        await verifier().verify(sign(claims(), key=OTHER_KEY))
    assert caught.value.status == 401


async def test_alg_none_is_401() -> None:
    token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims())}."
    with pytest.raises(Problem) as caught:
        await verifier().verify(token)
    assert caught.value.status == 401


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("jku", "https://evil.example/keys"),
        ("x5u", "https://evil.example/cert"),
        ("jwk", OTHER_KEY.as_dict(private=False)),
    ],
)
async def test_token_naming_its_own_key_is_401(header: str, value: Any) -> None:
    token = sign(claims(), key=OTHER_KEY if header == "jwk" else KEY, **{header: value})
    with pytest.raises(Problem) as caught:
        await verifier().verify(token)
    assert caught.value.status == 401


async def test_garbage_is_401() -> None:
    with pytest.raises(Problem) as caught:
        await verifier().verify("not-a-token")
    assert caught.value.status == 401


async def test_unknown_kid_triggers_a_jwks_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key rotation at the issuer: a new kid makes the verifier fetch the JWKS again."""
    v = verifier()
    rotated = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    calls: list[bool] = []

    async def refresh(force: bool) -> KeySet:
        calls.append(force)
        if force:
            v.use_keys(KeySet([RSAKey.import_key(rotated.as_dict(private=False))]))
        assert v._keys is not None
        return v._keys

    monkeypatch.setattr(v, "_refresh", refresh)
    principal = await v.verify(jwt.encode({"alg": "RS256", "kid": "k2"}, claims(), rotated))
    assert principal.sub == "c1" and calls == [False, True]


def discovery_transport(issuer_in_document: str = ISS, calls: list[str] | None = None) -> Any:
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        if calls is not None:
            calls.append(str(request.url))
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(
                200, json={"issuer": issuer_in_document, "jwks_uri": f"{ISS}/protocol/certs"}
            )
        if request.url.path == "/protocol/certs":
            return httpx.Response(200, json=KeySet([KEY]).as_dict(private=False))
        return httpx.Response(404)

    return httpx.MockTransport(handler)


async def test_production_mode_discovers_the_jwks_from_the_issuer() -> None:
    calls: list[str] = []
    v = JwtVerifier(
        "",
        ISS,
        AUD,
        algorithms=["RS256"],
        discover=True,
        transport=discovery_transport(calls=calls),
    )
    principal = await v.verify(sign(claims()))
    assert principal.sub == "c1"
    assert calls == [f"{ISS}/.well-known/openid-configuration", f"{ISS}/protocol/certs"]


async def test_discovery_document_naming_another_issuer_is_not_trusted() -> None:
    v = JwtVerifier(
        "",
        ISS,
        AUD,
        algorithms=["RS256"],
        discover=True,
        transport=discovery_transport(issuer_in_document="https://evil.example"),
    )
    with pytest.raises(Problem) as caught:
        await v.verify(sign(claims()))
    assert caught.value.status == 503  # no keys we may trust: nothing is accepted


@pytest.mark.parametrize(
    ("acr", "level"),
    [
        ("http://eidas.europa.eu/LoA/substantial", "substantial"),
        ("qes", "high"),
        ("substantial", "substantial"),  # our own names mean themselves
        ("something-else", "low"),
        (None, "low"),
    ],
)
async def test_idp_acr_values_map_to_the_three_assurance_levels(acr: Any, level: str) -> None:
    v = verifier()
    v.acr_map = {"http://eidas.europa.eu/LoA/substantial": "substantial", "qes": "high"}
    assert (await v.verify(sign(claims(acr=acr)))).acr == level
