"""How a person gets an access token: the seam between the pages and an identity provider.

`DevSignIn` asks the gateway's dev issuer (dev/test stacks) for a token with the chosen role and
council. `OidcSignIn` is the region's identity provider (ID.GOV.UA behind Keycloak, say):
authorization code with PKCE (RFC 7636), state and nonce kept in the signed session."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any
from urllib.parse import urlencode

from web.gateway_api import GatewayApi
from web.settings import WebSettings

ROLES = ("citizen", "official", "tenant_admin", "platform_admin")
DEV_TOKEN_LIFETIME_S = 8 * 3600


def unverified_claims(token: str) -> dict[str, Any]:
    """The token's claims for display (name, roles); the gateway verifies it on every call."""
    try:
        payload = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def dev_claims(role: str, council: str, name: str, sub: str, email: str) -> dict[str, Any]:
    """The claims a dev sign-in asks for: a resident of `council` with BankID-level assurance
    (so they may sign and vote), or staff of it, or the region's CDTO."""
    if role not in ROLES:
        raise ValueError(role)
    sub = sub or f"{role}-{secrets.token_hex(4)}"
    claims: dict[str, Any] = {
        "sub": sub,
        "name": name or "Олена Коваль",
        "roles": [role],
        "expires_in": DEV_TOKEN_LIFETIME_S,
    }
    if email:
        claims["email"] = email
    if role == "citizen":
        # A stable national id per sub: the same dev person is the same voter every time.
        person_id = str(int(hashlib.sha256(sub.encode()).hexdigest(), 16))[:10]
        claims.update(
            acr="substantial", residence=council, birthdate="1990-01-01", person_id=person_id
        )
    elif role in ("official", "tenant_admin"):
        claims.update(tenant=council, acr="substantial")
    return claims


class DevSignIn:
    """Dev and test stacks only: the gateway's `/auth/dev/token` signs whatever is asked."""

    def __init__(self, gateway: GatewayApi) -> None:
        self.gateway = gateway

    async def token_for(self, claims: dict[str, Any]) -> str:
        answer = await self.gateway.call("POST", "/auth/dev/token", json=claims)
        return str(answer["access_token"])


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) per RFC 7636."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class OidcSignIn:
    """The region's identity provider: authorization code + PKCE."""

    def __init__(self, settings: WebSettings, gateway: GatewayApi) -> None:
        self.settings = settings
        self.gateway = gateway

    def start(self, council: str) -> tuple[str, dict[str, str]]:
        """The provider's authorization URL and what the callback must find in the session."""
        verifier, challenge = pkce_pair()
        pending = {
            "state": secrets.token_urlsafe(24),
            "nonce": secrets.token_urlsafe(24),
            "verifier": verifier,
            "council": council,
        }
        query = {
            "response_type": "code",
            "client_id": self.settings.oidc_client_id,
            "redirect_uri": self.settings.oidc_redirect_url,
            "scope": self.settings.oidc_scope,
            "state": pending["state"],
            "nonce": pending["nonce"],
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.settings.oidc_authorize_url}?{urlencode(query)}", pending

    async def finish(self, code: str, state: str, pending: dict[str, str]) -> str:
        """The access token for the code, after checking the state we sent."""
        if not pending or not secrets.compare_digest(pending.get("state", ""), state):
            raise PermissionError("state mismatch")
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.settings.oidc_redirect_url,
            "client_id": self.settings.oidc_client_id,
            "code_verifier": pending["verifier"],
        }
        if self.settings.oidc_client_secret:
            form["client_secret"] = self.settings.oidc_client_secret
        response = await self.gateway.send("POST", self.settings.oidc_token_url, data=form)
        if response.status_code != 200:
            raise PermissionError(f"token endpoint answered {response.status_code}")
        answer = response.json()
        id_claims = unverified_claims(str(answer.get("id_token", "")))
        if id_claims and id_claims.get("nonce") != pending["nonce"]:
            raise PermissionError("nonce mismatch")
        return str(answer["access_token"])
