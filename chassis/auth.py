"""Bearer JWT verification against the configured JWKS, and the caller as a `Principal`.

Every service verifies tokens itself (issuer, audience, expiry, algorithm allowlist, keys from
the JWKS only); nothing trusts an identity header a client could send.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from litestar import Request
from litestar.datastructures import State

from chassis.logging import get_logger
from chassis.problems import Problem

log = get_logger("chassis.auth")

ROLES = ("citizen", "official", "tenant_admin", "platform_admin")
STAFF_ROLES = frozenset({"official", "tenant_admin"})
ASSURANCE_LEVELS = ("low", "substantial", "high")
# Header parameters that would let a token choose its own key; we only trust the JWKS.
_FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c"})


@dataclass(frozen=True)
class Principal:
    """The verified caller, from the token's claims."""

    sub: str
    name: str = ""
    email: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    tenant: str | None = None
    birthdate: str | None = None
    residence: str | None = None
    # The person's national identifier as the IdP verified it (RNOKPP tax number, or the ID
    # document number for those without one): lets an online vote and a paper one at an ASC
    # be recognised as the same person's. Services keep only a keyed hash of it.
    person_id: str | None = None
    acr: str = "low"

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def is_staff_of(self, tenant: str) -> bool:
        """Officials and tenant admins act only within their own council."""
        return self.tenant == tenant and self.has_role(*STAFF_ROLES)

    @classmethod
    def from_claims(
        cls, claims: dict[str, Any], acr_map: Mapping[str, str] | None = None
    ) -> Principal:
        roles = claims.get("roles") or []
        if isinstance(roles, str):
            roles = [roles]
        acr = assurance_level(claims.get("acr"), acr_map or {})
        return cls(
            sub=str(claims["sub"]),
            name=str(claims.get("name") or ""),
            email=claims.get("email"),
            roles=frozenset(r for r in roles if r in ROLES),
            tenant=claims.get("tenant"),
            birthdate=claims.get("birthdate"),
            residence=claims.get("residence"),
            person_id=claims.get("person_id"),
            acr=str(acr),
        )


def assurance_level(acr: Any, acr_map: Mapping[str, str]) -> str:
    """The IdP's `acr` as one of our three levels; anything unknown counts as the lowest.

    Identity providers name levels their own way (eIDAS URIs, Keycloak's "0"/"1", id.gov.ua's
    method names); the region configures the mapping, our own names map to themselves.
    """
    level = acr_map.get(str(acr), acr)
    return str(level) if level in ASSURANCE_LEVELS else "low"


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


def _peek_header(token: str) -> dict[str, Any]:
    try:
        segment = token.split(".")[0]
        padded = segment + "=" * (-len(segment) % 4)
        header = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, IndexError) as exc:
        raise _unauthorized("The token is malformed.") from exc
    if not isinstance(header, dict):
        raise _unauthorized("The token is malformed.")
    return header


class VerifiedTokens:
    """Tokens this process verified already -> their `Principal`, so a caller sending the same
    token on every request pays for one RSA verification, not one per request (profiled: the
    largest single cost of an authenticated GET at the gateway and again at the service).

    Keyed by the exact token string: a token that differs in any byte misses and is verified
    in full. An entry is served only before the token's own `exp` (no leeway) and at most
    `max_age_s` after it was verified; the least recently used entry goes first when full.
    Only successes are kept; a bad token is rejected in full every time. An entry (token and
    principal) takes ~1.6 KB: 1,024 of them are ~1.6 MB per process (a 30-minute soak with
    4,096 grew every service by ~6 MB before the cache was full).
    """

    def __init__(
        self,
        max_entries: int = 1024,
        max_age_s: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    def get(self, token: str) -> Principal | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        until, principal = entry
        if self._clock() >= until:
            del self._entries[token]
            return None
        self._entries.move_to_end(token)
        return principal

    def put(self, token: str, principal: Principal, expires_at: float) -> None:
        if self.max_entries <= 0:
            return
        self._entries[token] = (min(expires_at, self._clock() + self.max_age_s), principal)
        self._entries.move_to_end(token)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class JwtVerifier:
    """Verifies tokens with keys fetched from a JWKS URL, refreshed when an unknown kid appears."""

    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        audience: str,
        algorithms: Iterable[str] = ("RS256", "ES256"),
        leeway_s: int = 30,
        min_refresh_interval_s: float = 10.0,
        discover: bool = False,
        acr_map: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        verified_tokens: VerifiedTokens | None = None,
    ) -> None:
        """With `discover`, the JWKS URL comes from the issuer's OpenID configuration
        (`{issuer}/.well-known/openid-configuration`) instead of `jwks_url`."""
        self.verified = verified_tokens if verified_tokens is not None else VerifiedTokens()
        self.jwks_url = jwks_url
        self.discover = discover
        self.acr_map = dict(acr_map or {})
        self._transport = transport
        self.issuer = issuer
        self.audience = audience
        self.algorithms = [a for a in algorithms if a.lower() != "none"]
        self.leeway_s = leeway_s
        self._min_refresh = min_refresh_interval_s
        self._keys: KeySet | None = None
        self._fetched_at = 0.0
        self._pinned = False
        self._lock = asyncio.Lock()

    def use_keys(self, keys: KeySet) -> None:
        """Install keys directly (the gateway verifies with the keys it serves itself).

        Installed keys are the whole truth: the JWKS URL is never fetched afterwards, so an
        unknown kid is rejected instead of triggering an HTTP call (to ourselves, in dev).
        """
        self._keys = keys
        self._fetched_at = time.monotonic()
        self._pinned = True
        self.verified.clear()  # what other keys vouched for is not vouched for by these

    async def _refresh(self, force: bool) -> KeySet:
        async with self._lock:
            fresh = time.monotonic() - self._fetched_at < self._min_refresh
            if self._keys is not None and (self._pinned or not force or fresh):
                return self._keys
            try:
                async with httpx.AsyncClient(timeout=5.0, transport=self._transport) as client:
                    if self.discover:
                        self.jwks_url = await self._discover_jwks_url(client)
                    response = await client.get(self.jwks_url)
                    response.raise_for_status()
                    fetched = KeySet.import_key_set(response.json())
                    if self._keys is None or fetched.as_dict() != self._keys.as_dict():
                        self.verified.clear()  # a key may have been withdrawn
                    self._keys = fetched
                    self._fetched_at = time.monotonic()
            except (httpx.HTTPError, JoseError, ValueError, KeyError) as exc:
                log.warning("jwks.fetch_failed", url=self.jwks_url, error=type(exc).__name__)
                if self._keys is None:
                    raise Problem(503, "The identity keys are not available.") from exc
            return self._keys

    async def _discover_jwks_url(self, client: httpx.AsyncClient) -> str:
        """OpenID Connect Discovery; the document must name the issuer we were configured
        with, or a look-alike could hand us its own keys."""
        url = f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"
        response = await client.get(url)
        response.raise_for_status()
        configuration = response.json()
        if configuration.get("issuer") != self.issuer:
            raise ValueError("the discovery document names another issuer")
        return str(configuration["jwks_uri"])

    async def verify(self, token: str) -> Principal:
        known = self.verified.get(token)
        if known is not None:
            return known  # this exact token passed every check below, and has not expired
        header = _peek_header(token)
        if header.get("alg") not in self.algorithms:
            raise _unauthorized("The token's algorithm is not allowed.")
        if _FORBIDDEN_HEADERS.intersection(header):
            raise _unauthorized("The token names its own key; only the issuer's keys are trusted.")
        keys = await self._refresh(force=False)
        kid = header.get("kid")
        if kid is not None and not any(k.kid == kid for k in keys):
            keys = await self._refresh(force=True)  # the issuer may have rotated its keys
        try:
            key = keys.get_by_kid(kid)
            decoded = jwt.decode(token, key, algorithms=self.algorithms)
            jwt.JWTClaimsRegistry(
                leeway=self.leeway_s,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.audience},
                exp={"essential": True},
                sub={"essential": True},
            ).validate(decoded.claims)
        except JoseError as exc:
            raise _unauthorized(f"The token is not valid ({exc.error}).") from exc
        principal = Principal.from_claims(decoded.claims, self.acr_map)
        self.verified.put(token, principal, float(decoded.claims["exp"]))
        return principal


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def provide_principal(request: Request[Any, Any, Any], state: State) -> Principal:
    """Litestar dependency: the verified caller, or a 401 problem."""
    token = bearer_token(request)
    if token is None:
        raise _unauthorized("A bearer token is required.")
    verifier: JwtVerifier = state.jwt_verifier
    return await verifier.verify(token)


async def provide_optional_principal(
    request: Request[Any, Any, Any], state: State
) -> Principal | None:
    """Litestar dependency for public reads: anonymous is fine, a bad token is not."""
    if bearer_token(request) is None:
        return None
    return await provide_principal(request, state)
