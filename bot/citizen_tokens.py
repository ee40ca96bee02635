"""How the bot gets a token to act AS a linked citizen — the one seam to the identity provider.

The bot never holds the citizen's own token. For a linked chat it asks the IdP for a short
token for that `sub` with assurance `low` (a chat proves no more than a password would), so
the services refuse it for signing petitions and voting exactly as they would any low token.

- `DevTokenExchange` (dev/test): the gateway's dev issuer, `POST /auth/dev/token`.
- `Rfc8693TokenExchange` (production): RFC 8693 token exchange at the region's IdP (e.g.
  Keycloak's impersonation: `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
  `requested_subject=<sub>`) with the bot's own client credentials; the IdP decides which
  claims the token carries and must cap `acr` at `low` for this client.
Tokens are cached per person until shortly before they expire.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

import httpx


@dataclass(frozen=True)
class Citizen:
    """Who a linked chat acts for (copied from their token when they linked)."""

    tenant: str
    sub: str
    name: str
    email: str | None = None
    residence: str | None = None


class TokenExchangeError(Exception):
    """The identity provider did not give a token."""


class CitizenTokens(Protocol):
    async def token_for(self, citizen: Citizen) -> str: ...


class _Cached:
    def __init__(self) -> None:
        self._tokens: dict[tuple[str, str], tuple[str, float]] = {}

    def cached(self, citizen: Citizen) -> str | None:
        found = self._tokens.get((citizen.tenant, citizen.sub))
        return found[0] if found and found[1] > time.monotonic() else None

    def keep(self, citizen: Citizen, token: str, lifetime_s: float) -> str:
        # Renew a minute early, so a token never expires between here and the service.
        self._tokens[(citizen.tenant, citizen.sub)] = (token, time.monotonic() + lifetime_s - 60)
        return token


def _token_of(response: httpx.Response) -> tuple[str, float]:
    if not response.is_success:
        raise TokenExchangeError(f"token exchange: HTTP {response.status_code}")
    body: dict[str, Any] = response.json()
    return str(body["access_token"]), float(body.get("expires_in") or 300)


class DevTokenExchange(_Cached):
    def __init__(self, gateway_url: str, client: httpx.AsyncClient, lifetime_s: int) -> None:
        super().__init__()
        self.url = f"{gateway_url.rstrip('/')}/auth/dev/token"
        self.client = client
        self.lifetime_s = lifetime_s

    async def token_for(self, citizen: Citizen) -> str:
        if (token := self.cached(citizen)) is not None:
            return token
        claims = {
            "sub": citizen.sub,
            "name": citizen.name or None,
            "email": citizen.email,
            "residence": citizen.residence,
            "roles": ["citizen"],
            "acr": "low",
            "expires_in": self.lifetime_s,
        }
        try:
            response = await self.client.post(
                self.url, json={k: v for k, v in claims.items() if v is not None}
            )
        except httpx.HTTPError as exc:
            raise TokenExchangeError(f"dev issuer: {type(exc).__name__}") from exc
        return self.keep(citizen, *_token_of(response))


class Rfc8693TokenExchange(_Cached):
    GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"

    def __init__(
        self, token_url: str, client_id: str, client_secret: str, client: httpx.AsyncClient
    ) -> None:
        super().__init__()
        self.token_url = token_url
        self.auth = (client_id, client_secret)
        self.client = client

    async def token_for(self, citizen: Citizen) -> str:
        if (token := self.cached(citizen)) is not None:
            return token
        form = {
            "grant_type": self.GRANT,
            "requested_subject": citizen.sub,
            "requested_token_type": "urn:ietf:params:oauth:token-type:access_token",
            "audience": "hromada",
        }
        try:
            response = await self.client.post(self.token_url, data=form, auth=self.auth)
        except httpx.HTTPError as exc:
            raise TokenExchangeError(f"token exchange: {type(exc).__name__}") from exc
        return self.keep(citizen, *_token_of(response))
