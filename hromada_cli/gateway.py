"""Talking to the gateway: one HTTP client, dev tokens, and problem+json turned into errors
the console can show (detail plus every field error)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_GATEWAY_URL = "http://127.0.0.1:8000"
# Who the CLI is when it asks the dev issuer for an administrator's token.
CLI_ADMIN_CLAIMS = {
    "sub": "hromada-cli",
    "name": "Hromada CLI",
    "roles": ["platform_admin"],
    "acr": "high",
    "expires_in": 900,
}


@dataclass
class ApiError(Exception):
    """The gateway said no: status, detail and field errors from its problem document."""

    status: int
    detail: str
    errors: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return cls(response.status_code, response.text.strip()[:300] or response.reason_phrase)
        errors = [
            (str(e.get("field", "")), str(e.get("message", "")))
            for e in body.get("errors") or []
            if isinstance(e, dict)
        ]
        detail = body.get("detail") or body.get("title") or response.reason_phrase
        return cls(response.status_code, str(detail), errors)


@dataclass
class GatewayUnreachable(Exception):
    """No answer from the gateway at all."""

    url: str
    reason: str


class GatewayClient:
    """A small synchronous client for the gateway's public API."""

    def __init__(
        self,
        base_url: str,
        *,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
        timeout_s: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, transport=transport, timeout=timeout_s)
        self._admin_token = token if token is not None else os.environ.get("HROMADA_TOKEN")

    def close(self) -> None:
        self.http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        """The decoded JSON answer (None for an empty one), or ApiError / GatewayUnreachable."""
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        try:
            response = self.http.request(method, path, json=json, headers=sent)
        except httpx.TransportError as exc:
            raise GatewayUnreachable(self.base_url, str(exc) or type(exc).__name__) from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response.json() if response.content else None

    def dev_token(self, claims: dict[str, Any]) -> dict[str, Any]:
        """A token from the dev issuer (`POST /auth/dev/token`; exists in dev and test only)."""
        try:
            return dict(self.request("POST", "/auth/dev/token", json=claims))
        except ApiError as exc:
            if exc.status in (404, 405):
                exc.detail = (
                    "This gateway issues no dev tokens (it is not in dev or test mode); "
                    "set HROMADA_TOKEN to a token of your identity provider."
                )
            raise

    def admin_token(self) -> str:
        """HROMADA_TOKEN if set, else a short-lived dev platform_admin token."""
        if not self._admin_token:
            self._admin_token = str(self.dev_token(CLI_ADMIN_CLAIMS)["access_token"])
        return self._admin_token

    def as_admin(self, method: str, path: str, *, json: Any = None) -> Any:
        return self.request(method, path, json=json, token=self.admin_token())
