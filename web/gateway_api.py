"""The web app's only way out: the public gateway API, called as the signed-in person.

A refusal comes back as `ApiError` with the problem's detail and its field errors, so a page can
show each message next to its field."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx
from litestar import Litestar

# A component restarted by someone else answers these for a moment: a read is tried again.
RETRY_STATUSES = (502, 503)


@dataclass
class ApiError(Exception):
    """A problem+json answer (or an unreachable gateway) in a form the pages can show."""

    status: int
    detail: str
    field_errors: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}"


def problem_of(status: int, body: Any) -> ApiError:
    """Turn a problem+json body into an ApiError; a field named twice keeps both messages."""
    if not isinstance(body, dict):
        return ApiError(status, f"HTTP {status}")
    errors: dict[str, str] = {}
    for item in body.get("errors") or []:
        if isinstance(item, dict) and item.get("field"):
            name = str(item["field"]).split(".")[-1]
            message = str(item.get("message") or "")
            errors[name] = f"{errors[name]}; {message}" if name in errors else message
    detail = str(body.get("detail") or body.get("title") or f"HTTP {status}")
    return ApiError(status, detail, errors)


class GatewayApi:
    """One pooled HTTP client to the gateway, opened and closed with the app."""

    def __init__(
        self, base_url: str, timeout_s: float, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.transport = transport
        self._client: httpx.AsyncClient | None = None

    @contextlib.asynccontextmanager
    async def lifespan(self, _: Litestar) -> AsyncIterator[None]:
        # trust_env=False: a machine-wide HTTP proxy must never sit between us and the gateway.
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=self.timeout_s,
            transport=self.transport,
            trust_env=False,
            # Shared by every visitor: it must never keep a cookie from one answer for the next.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        )
        try:
            yield
        finally:
            await self._client.aclose()
            self._client = None

    async def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        client_ip: str | None = None,
        idempotent: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """The raw answer; reads are retried while the gateway says a service is restarting."""
        assert self._client is not None, "the client opens with the app's lifespan"
        headers = dict(kwargs.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if client_ip:  # the gateway limits anonymous reads per visitor, not per web server
            headers["X-Forwarded-For"] = client_ip
        if idempotent:  # a double-clicked "file" button files once
            headers["Idempotency-Key"] = uuid.uuid4().hex
        attempts = 3 if method in ("GET", "HEAD") else 1
        for attempt in range(attempts):
            try:
                response = await self._client.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                if attempt + 1 == attempts:
                    raise ApiError(503, "Сервіс недоступний / The service is unavailable") from exc
            else:
                if response.status_code not in RETRY_STATUSES or attempt + 1 == attempts:
                    return response
            await asyncio.sleep(0.5)
        raise AssertionError("unreachable")

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON answer (None when empty), or ApiError for any 4xx/5xx."""
        response = await self.send(method, path, **kwargs)
        body: Any = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                body = None
        if response.status_code >= 400:
            raise problem_of(response.status_code, body)
        return body
