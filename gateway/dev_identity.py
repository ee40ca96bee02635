"""Dev and test only: the gateway as a tiny OIDC provider. It signs tokens with a persisted
RSA key, publishes the JWKS and a discovery document, and verifies its own tokens with them."""

from __future__ import annotations

import contextlib
import json
import os
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from chassis.logging import get_logger
from chassis.problems import invalid
from gateway.tenants import SLUG_PATTERN

log = get_logger("gateway.dev_identity")

SIGNING_ALGORITHM = "RS256"
Role = Literal["citizen", "official", "tenant_admin", "platform_admin"]
Assurance = Literal["low", "substantial", "high"]
TenantSlug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN.pattern)]
CLAIMS = (
    "sub",
    "name",
    "email",
    "roles",
    "tenant",
    "birthdate",
    "residence",
    "person_id",
    "acr",
)


def load_or_create_signing_key(path: Path) -> RSAKey:
    """The persisted signing key, so tokens survive restarts; created (mode 0600) if missing."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = RSAKey.generate_key(2048, {"use": "sig", "alg": SIGNING_ALGORITHM}, auto_kid=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(key.as_dict(private=True), out)
        # link() never overwrites: if another process won the race, both use its key.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
            log.info("dev_identity.key_created", path=str(path))
        draft.unlink()
    return RSAKey.import_key(json.loads(path.read_text()))


class DevTokenRequest(msgspec.Struct, kw_only=True):
    """The claims of a dev token (see the Auth convention in DESIGN.md)."""

    sub: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    name: str | None = None
    email: str | None = None
    roles: list[Role] = msgspec.field(default_factory=lambda: ["citizen"])
    tenant: TenantSlug | None = None
    birthdate: date | None = None
    residence: TenantSlug | None = None
    person_id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)] | None = None
    acr: Assurance = "low"
    expires_in: Annotated[int, msgspec.Meta(ge=1)] = 3600


class DevIssuer:
    """Signs dev tokens for the configured issuer and audience."""

    def __init__(self, key: RSAKey, issuer: str, audience: str, max_lifetime_s: int) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.max_lifetime_s = max_lifetime_s
        self._public_keys = KeySet([RSAKey.import_key(key.as_dict(private=False))])

    def public_key_set(self) -> KeySet:
        return self._public_keys

    def jwks(self) -> dict[str, Any]:
        return dict(self._public_keys.as_dict(private=False))

    def sign(self, claims: dict[str, Any]) -> str:
        header = {"alg": SIGNING_ALGORITHM, "typ": "JWT", "kid": self.key.kid}
        return jwt.encode(header, claims, self.key)

    def issue(self, request: DevTokenRequest) -> dict[str, Any]:
        if request.expires_in > self.max_lifetime_s:
            raise invalid("expires_in", f"must be at most {self.max_lifetime_s} seconds")
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "nbf": now,
            "exp": now + request.expires_in,
            "sub": request.sub,
            "roles": list(dict.fromkeys(request.roles)),
            "acr": request.acr,
        }
        optional = {
            "name": request.name,
            "email": request.email,
            "tenant": request.tenant,
            "birthdate": request.birthdate.isoformat() if request.birthdate else None,
            "residence": request.residence,
            "person_id": request.person_id,
        }
        claims.update({k: v for k, v in optional.items() if v is not None})
        return {
            "access_token": self.sign(claims),
            "token_type": "Bearer",
            "expires_in": request.expires_in,
        }


class DevIdentityController(Controller):
    """Local stand-in for the region's IdP; registered only when HROMADA_ENV is dev or test."""

    path = ""
    tags = ["dev identity"]

    @post("/auth/dev/token", status_code=200, operation_id="issue_dev_token")
    async def issue_dev_token(
        self, data: JSONBody[DevTokenRequest], dev_issuer: NamedDependency[DevIssuer]
    ) -> dict[str, Any]:
        """A signed access token carrying exactly the claims asked for."""
        token = dev_issuer.issue(data)
        log.info("dev_identity.token_issued", roles=data.roles, acr=data.acr)
        return token

    @get("/.well-known/jwks.json", operation_id="get_jwks")
    async def get_jwks(self, dev_issuer: NamedDependency[DevIssuer]) -> dict[str, Any]:
        """The public signing keys."""
        return dev_issuer.jwks()

    @get("/.well-known/openid-configuration", operation_id="get_openid_configuration")
    async def get_openid_configuration(
        self, dev_issuer: NamedDependency[DevIssuer]
    ) -> dict[str, Any]:
        """OIDC discovery, so OIDC-aware tools can use the dev issuer like a real one."""
        base = dev_issuer.issuer.rstrip("/")
        return {
            "issuer": dev_issuer.issuer,
            "jwks_uri": f"{base}/.well-known/jwks.json",
            "token_endpoint": f"{base}/auth/dev/token",
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [SIGNING_ALGORITHM],
            "claims_supported": list(CLAIMS),
        }
