"""The sign-in seam: dev claims per role, PKCE, and the OIDC start and state check."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest

from web.gateway_api import GatewayApi
from web.settings import WebSettings
from web.sign_in import OidcSignIn, dev_claims, pkce_pair, unverified_claims


def test_a_dev_resident_may_sign_and_vote_in_the_chosen_council() -> None:
    claims = dev_claims("citizen", "uzhhorod", "Олена", "c-1", "o@example.ua")

    assert claims["roles"] == ["citizen"] and claims["residence"] == "uzhhorod"
    assert claims["acr"] == "substantial" and claims["birthdate"]
    assert claims["person_id"] == dev_claims("citizen", "x", "", "c-1", "")["person_id"]
    assert claims["person_id"] != dev_claims("citizen", "x", "", "c-2", "")["person_id"]


def test_dev_staff_belong_to_the_chosen_council_and_the_cdto_to_none() -> None:
    assert dev_claims("official", "kamianske", "", "o-1", "")["tenant"] == "kamianske"
    assert "tenant" not in dev_claims("platform_admin", "kamianske", "", "p-1", "")
    assert dev_claims("citizen", "kamianske", "", "", "")["sub"].startswith("citizen-")


def test_an_unknown_role_is_refused() -> None:
    with pytest.raises(ValueError):
        dev_claims("mayor", "kamianske", "", "", "")


def test_rfc_7636_s256_challenge() -> None:
    verifier, challenge = pkce_pair()
    digest = hashlib.sha256(verifier.encode()).digest()

    assert challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert 43 <= len(verifier) <= 128


def oidc() -> OidcSignIn:
    settings = WebSettings(
        sign_in="oidc",
        oidc_authorize_url="https://id.example/authorize",
        oidc_token_url="https://id.example/token",
        oidc_client_id="hromada-web",
        oidc_redirect_url="https://hromada.example/app/sign-in/callback",
    )
    return OidcSignIn(settings, GatewayApi("http://gateway.invalid", 1.0))


def test_the_provider_gets_the_challenge_state_and_nonce_we_keep() -> None:
    url, pending = oidc().start("chernivtsi")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}

    assert url.startswith("https://id.example/authorize?")
    assert query["state"] == pending["state"] and query["nonce"] == pending["nonce"]
    assert query["code_challenge_method"] == "S256"
    digest = hashlib.sha256(pending["verifier"].encode()).digest()
    assert query["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert pending["council"] == "chernivtsi"


async def test_a_callback_with_another_state_is_refused() -> None:
    _, pending = oidc().start("chernivtsi")

    with pytest.raises(PermissionError):
        await oidc().finish("code", "forged-state", pending)
    with pytest.raises(PermissionError):
        await oidc().finish("code", pending["state"], {})


def test_claims_are_read_for_display_and_garbage_gives_none() -> None:
    payload = base64.urlsafe_b64encode(b'{"sub":"c1","name":"\\u041e"}').rstrip(b"=").decode()

    assert unverified_claims(f"h.{payload}.s") == {"sub": "c1", "name": "О"}
    assert unverified_claims("not-a-token") == {}
