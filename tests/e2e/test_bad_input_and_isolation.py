"""Bad input gets the right 4xx problem+json naming the field, and nothing is stored; a token
of one council never reads another's data."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.e2e.conftest import appeal_body
from tests.stack import Gateway, env

pytestmark = pytest.mark.e2e
TENANT = "uzhhorod"
URL = f"/api/v1/{TENANT}/appeals"


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"]
    assert "Traceback" not in response.text
    if field is not None:
        assert field in [e["field"] for e in problem.get("errors", [])], problem
    return problem


def count_appeals(appeals_db: Any, sub: str) -> int:
    return int(appeals_db["appeals"].count_documents({"tenant": TENANT, "citizen_sub": sub}))


@pytest.fixture
def citizen(gateway: Gateway, unique: str) -> tuple[str, dict[str, str]]:
    sub = f"citizen-{unique}"
    return sub, gateway.citizen(sub)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"subject": None}, "subject"),
        ({"kind": "request"}, "kind"),
        ({"email": "not-an-email"}, "email"),
        ({"address": "   "}, "address"),
        ({"text": ""}, "text"),
    ],
)
def test_invalid_field_is_422_naming_it_and_nothing_is_stored(
    gateway: Gateway, appeals_db: Any, citizen: tuple[str, dict[str, str]], body: dict, field: str
) -> None:
    sub, headers = citizen
    payload = {k: v for k, v in appeal_body(**body).items() if v is not None}
    assert_problem(gateway.http.post(URL, json=payload, headers=headers), 422, field)
    assert count_appeals(appeals_db, sub) == 0


def test_malformed_json_is_400(gateway: Gateway, appeals_db: Any, citizen: Any) -> None:
    sub, headers = citizen
    response = gateway.http.post(
        URL,
        content=b'{"kind": "statement", ',
        headers={**headers, "content-type": "application/json"},
    )
    assert_problem(response, 400)
    assert count_appeals(appeals_db, sub) == 0


def test_token_without_a_name_is_an_anonymous_appeal_refused_art8(
    gateway: Gateway, appeals_db: Any, unique: str
) -> None:
    sub = f"anon-{unique}"
    headers = {"Authorization": f"Bearer {gateway.token(sub=sub, roles=['citizen'])}"}
    assert_problem(gateway.http.post(URL, json=appeal_body(), headers=headers), 422, "name")
    assert count_appeals(appeals_db, sub) == 0


def test_oversize_body_is_413(gateway: Gateway, appeals_db: Any, citizen: Any) -> None:
    sub, headers = citizen
    response = gateway.http.post(URL, json=appeal_body(text="я" * 2_000_000), headers=headers)
    assert_problem(response, 413)
    assert count_appeals(appeals_db, sub) == 0


def test_no_token_is_401(gateway: Gateway) -> None:
    assert_problem(gateway.http.post(URL, json=appeal_body()), 401)


def test_token_signed_by_another_key_is_401(gateway: Gateway, appeals_db: Any) -> None:
    """Same issuer, audience and kid as the real key, but another private key signed it."""
    kid = gateway.http.get("/.well-known/jwks.json").json()["keys"][0]["kid"]
    now = int(time.time())
    claims = {
        "iss": env("HROMADA_JWT_ISSUER", "http://127.0.0.1:8000"),
        "aud": env("HROMADA_JWT_AUDIENCE", "hromada"),
        "sub": "forger-1",
        "name": "Forger",
        "roles": ["citizen"],
        "iat": now,
        "exp": now + 600,
    }
    forged = jwt.encode({"alg": "RS256", "kid": kid}, claims, RSAKey.generate_key(2048))
    response = gateway.http.post(
        URL, json=appeal_body(), headers={"Authorization": f"Bearer {forged}"}
    )
    assert_problem(response, 401)
    assert count_appeals(appeals_db, "forger-1") == 0


def test_unknown_tenant_is_404(gateway: Gateway, citizen: Any) -> None:
    _, headers = citizen
    assert_problem(
        gateway.http.post("/api/v1/atlantis/appeals", json=appeal_body(), headers=headers), 404
    )


def test_tenant_isolation_other_councils_cannot_read_an_appeal(
    gateway: Gateway, citizen: Any, unique: str
) -> None:
    _, headers = citizen
    created = gateway.http.post(URL, json=appeal_body(), headers=headers)
    assert created.status_code == 201, created.text
    appeal_id = created.json()["id"]

    own_staff = gateway.staff(f"official-{unique}", TENANT)
    other_staff = gateway.staff(f"official-b-{unique}", "chernivtsi")
    other_citizen = gateway.citizen(f"someone-else-{unique}")

    assert gateway.http.get(f"{URL}/{appeal_id}", headers=own_staff).status_code == 200
    # Council B's official, on B's path and on A's path: neither reveals A's appeal.
    assert_problem(
        gateway.http.get(f"/api/v1/chernivtsi/appeals/{appeal_id}", headers=other_staff), 404
    )
    assert_problem(gateway.http.get(f"{URL}/{appeal_id}", headers=other_staff), 404)
    # The author's own token on another council's path finds nothing either.
    assert_problem(
        gateway.http.get(f"/api/v1/chernivtsi/appeals/{appeal_id}", headers=headers), 404
    )
    assert_problem(gateway.http.get(f"{URL}/{appeal_id}", headers=other_citizen), 404)
