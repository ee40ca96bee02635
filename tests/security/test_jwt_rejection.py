"""The JWT rejection set: tokens that must not pass anywhere. Each is tried on one route of
every service, through the gateway and directly on the service (services verify tokens
themselves and never rely on the gateway), and must get 401 as problem+json."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.security.conftest import RUN, T1, direct
from tests.stack import ROOT, env, stack_status

pytestmark = pytest.mark.e2e
ISSUER = env("HROMADA_JWT_ISSUER", "http://127.0.0.1:8000")
AUDIENCE = env("HROMADA_JWT_AUDIENCE", "hromada")
KEY_FILE = Path(env("HROMADA_DEV_KEY_FILE", str(ROOT / ".stack/data/gateway/dev-signing-key.json")))
# (service, method, path, JSON body): a route of each that needs a signed-in caller.
ROUTES = [
    ("gateway", "GET", f"/api/v1/{T1}/me/export", None),
    ("appeals", "GET", f"/api/v1/{T1}/appeals", None),
    ("petitions", "POST", f"/api/v1/{T1}/petitions", {"title": "Т", "text": "Т"}),
    ("budget", "GET", f"/api/v1/{T1}/budget/eligibility-proofs", None),
    ("queue", "GET", f"/api/v1/{T1}/queue/bookings", None),
    ("payments", "GET", f"/api/v1/{T1}/payments", None),
    ("notify", "GET", f"/api/v1/{T1}/notify/preferences", None),
]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": f"sec-jwt-{RUN}",
        "name": "Олена Коваль",
        "roles": ["citizen"],
        "acr": "substantial",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _signed(key: RSAKey, claims: dict[str, Any], kid: str | None = None) -> str:
    return jwt.encode({"alg": "RS256", "typ": "JWT", "kid": kid or key.kid}, claims, key)


def _unsigned(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    if secret is None:
        return f"{signing_input}."
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def _tampered(token: str) -> str:
    """The payload changed (another sub, platform admin) under the original signature."""
    header, _payload, signature = token.split(".")
    forged = _b64(json.dumps(_claims(sub="someone-else", roles=["platform_admin"])).encode())
    return f"{header}.{forged}.{signature}"


@pytest.fixture(scope="module")
def bad_tokens() -> dict[str, str]:
    key = RSAKey.import_key(json.loads(KEY_FILE.read_text()))
    public_pem = key.as_pem(private=False)
    now = int(time.time())
    return {
        "alg none": _unsigned({"alg": "none", "typ": "JWT", "kid": key.kid}, _claims(), None),
        "HS256 keyed with the public key": _unsigned(
            {"alg": "HS256", "typ": "JWT", "kid": key.kid}, _claims(), public_pem
        ),
        "expired": _signed(key, _claims(iat=now - 7200, nbf=now - 7200, exp=now - 3600)),
        "not yet valid": _signed(key, _claims(nbf=now + 3600, exp=now + 7200)),
        "wrong issuer": _signed(key, _claims(iss="https://evil.example")),
        "wrong audience": _signed(key, _claims(aud="someone-else")),
        "unknown kid": _signed(key, _claims(), kid="no-such-key"),
        "tampered payload": _tampered(_signed(key, _claims())),
        "missing sub": _signed(key, _claims(sub=None)),
    }


def test_a_valid_token_passes_so_the_refusals_below_mean_something(
    bad_tokens: dict[str, str],
) -> None:
    key = RSAKey.import_key(json.loads(KEY_FILE.read_text()))
    good = {"Authorization": f"Bearer {_signed(key, _claims())}"}
    gateway = stack_status()["gateway"]["url"]
    answer = direct("GET", f"{gateway}/api/v1/{T1}/appeals", headers=good)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("via", ["gateway", "service"])
def test_every_bad_token_is_401_on_every_service(bad_tokens: dict[str, str], via: str) -> None:
    status = stack_status()
    wrong = []
    for service, method, path, body in ROUTES:
        if via == "service" and service == "gateway":
            continue
        base = status["gateway" if via == "gateway" else service]["url"]
        for name, token in bad_tokens.items():
            response = direct(
                method, f"{base}{path}", json=body, headers={"Authorization": f"Bearer {token}"}
            )
            problem = response.headers.get("content-type", "").startswith("application/problem")
            if response.status_code != 401 or not problem:
                wrong.append(f"{name} on {service} via {via}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
