"""The signed session cookie: who is signed in, their access token and the form (CSRF) token.

The cookie is HMAC-SHA256 signed, HttpOnly and SameSite=Lax, so a page script cannot read the
token and another site cannot forge or replay a form. It is not encrypted: it carries only the
person's own token and display data, and production serves it over HTTPS only (Secure)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field, replace
from typing import Any

COOKIE_NAME = "hromada_session"
STAFF_ROLES = ("official", "tenant_admin")


@dataclass(frozen=True)
class Session:
    """One browser's session; anonymous until `token` is set."""

    sid: str
    csrf: str
    expires_at: int
    token: str | None = None
    sub: str | None = None
    name: str | None = None
    roles: tuple[str, ...] = ()
    tenant: str | None = None  # the council an official or admin works for
    council: str | None = None  # the council the person chose to use
    # OIDC sign-in in flight: the state, PKCE verifier and nonce, checked on the callback.
    pending: dict[str, str] = field(default_factory=dict)

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    def has_role(self, role: str) -> bool:
        return role in self.roles

    def is_staff_of(self, council: str) -> bool:
        return self.tenant == council and any(r in self.roles for r in STAFF_ROLES)

    def signed_in_as(
        self, token: str, claims: dict[str, Any], council: str | None, expires_at: int
    ) -> Session:
        """A NEW session (new id and form token) for the person: never reuse an anonymous one."""
        return Session(
            sid=secrets.token_urlsafe(16),
            csrf=secrets.token_urlsafe(24),
            expires_at=expires_at,
            token=token,
            sub=str(claims.get("sub") or ""),
            name=claims.get("name"),
            roles=tuple(claims.get("roles") or ()),
            tenant=claims.get("tenant"),
            council=council or claims.get("tenant") or claims.get("residence"),
        )

    def with_pending(self, pending: dict[str, str]) -> Session:
        return replace(self, pending=pending)


def new_session(now: int, max_age_s: int) -> Session:
    return Session(
        sid=secrets.token_urlsafe(16),
        csrf=secrets.token_urlsafe(24),
        expires_at=now + max_age_s,
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def encode_session(session: Session, secret: bytes) -> str:
    payload = _b64(json.dumps(asdict(session), separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, payload)}"


def decode_session(value: str | None, secret: bytes, now: int) -> Session | None:
    """The session in a cookie, or None when it is missing, forged, broken or expired."""
    if not value or value.count(".") != 1:
        return None
    payload, mac = value.split(".")
    if not hmac.compare_digest(mac, _mac(secret, payload)):
        return None
    try:
        data = json.loads(_unb64(payload))
        data["roles"] = tuple(data.get("roles") or ())
        session = Session(**data)
    except (ValueError, TypeError):
        return None
    return session if session.expires_at > now else None


def csrf_matches(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf, str(submitted))
