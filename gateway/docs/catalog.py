"""Where the docs come from: each service's OpenAPI fetched from `{url}/schema/openapi.json`
(a service that does not answer is listed as unavailable, never a 500), the committed AsyncAPI
files, and a short-lived snapshot so a busy docs page does not hammer the services."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from chassis.logging import get_logger
from gateway.docs.merge import GATEWAY, merge_openapi

log = get_logger("gateway.docs")

OPENAPI_PATH = "/schema/openapi.json"
# The committed AsyncAPI documents (`make asyncapi`), next to the code in a checkout.
DEFAULT_ASYNCAPI_DIR = Path(__file__).resolve().parents[2] / "docs" / "asyncapi"


@dataclass(frozen=True)
class ServiceDocs:
    """One service's OpenAPI document as fetched, or why it could not be had."""

    name: str
    openapi: Mapping[str, Any] | None
    unavailable_reason: str | None = None

    @property
    def available(self) -> bool:
        return self.openapi is not None


@dataclass(frozen=True)
class DocsSnapshot:
    """Every service's docs and the merged document, taken at one moment."""

    services: tuple[ServiceDocs, ...]
    merged: Mapping[str, Any]

    def service(self, name: str) -> ServiceDocs | None:
        return next((s for s in self.services if s.name == name), None)


class DocsCatalog:
    """Collects the docs of the gateway and every service it routes to."""

    def __init__(
        self,
        service_urls: Mapping[str, str],
        *,
        asyncapi_dir: Path | None = None,
        cache_ttl_s: float = 15.0,
        fetch_timeout_s: float = 3.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service_urls = {name: url.rstrip("/") for name, url in service_urls.items()}
        self.asyncapi_dir = asyncapi_dir or DEFAULT_ASYNCAPI_DIR
        self.cache_ttl_s = cache_ttl_s
        self.fetch_timeout_s = fetch_timeout_s
        self._transport = transport
        self._clock = clock
        self._snapshot: DocsSnapshot | None = None
        self._taken_at = 0.0
        self._lock = asyncio.Lock()

    @property
    def names(self) -> tuple[str, ...]:
        return (GATEWAY, *self.service_urls)

    async def snapshot(
        self, gateway_openapi: Callable[[], Awaitable[Mapping[str, Any]]]
    ) -> DocsSnapshot:
        """The cached snapshot, refreshed (once, by one caller) when older than the TTL."""
        cached = self._snapshot
        if cached is not None and self._is_fresh():
            return cached
        async with self._lock:  # the others wait and reuse what the first one collected
            if self._snapshot is None or not self._is_fresh():
                self._snapshot = await self._collect(gateway_openapi)
                self._taken_at = self._clock()
            return self._snapshot

    def asyncapi(self, service: str) -> bytes | None:
        """The committed AsyncAPI document of a known service, or None."""
        if service not in self.names:
            return None  # also keeps the name from walking out of the directory
        path = self.asyncapi_dir / f"{service}.json"
        return path.read_bytes() if path.is_file() else None

    def _is_fresh(self) -> bool:
        return self._snapshot is not None and self._clock() - self._taken_at < self.cache_ttl_s

    async def _collect(
        self, gateway_openapi: Callable[[], Awaitable[Mapping[str, Any]]]
    ) -> DocsSnapshot:
        try:
            gateway = ServiceDocs(GATEWAY, await gateway_openapi())
        except Exception as exc:  # Litestar refuses to build a schema it finds inconsistent
            gateway = self._unavailable(GATEWAY, f"no schema ({type(exc).__name__})")
        # Several public names may be served by one deployment (open311 by appeals): ask once.
        urls = list(dict.fromkeys(self.service_urls.values()))
        async with httpx.AsyncClient(
            transport=self._transport,
            timeout=self.fetch_timeout_s,
            follow_redirects=False,
            trust_env=False,  # a machine-wide proxy must not sit between us and a service
        ) as client:
            answers = dict(
                zip(urls, await asyncio.gather(*(_fetch(client, u) for u in urls)), strict=True)
            )
        services = (gateway, *(self._docs_of(n, *answers[u]) for n, u in self.service_urls.items()))
        merged = merge_openapi(
            [(s.name, s.openapi) for s in services if s.openapi is not None],
            unavailable={s.name: s.unavailable_reason or "" for s in services if not s.available},
        )
        return DocsSnapshot(services=services, merged=merged)

    def _docs_of(self, name: str, document: Mapping[str, Any] | None, reason: str) -> ServiceDocs:
        if document is None:
            return self._unavailable(name, reason)
        return ServiceDocs(name, document)

    @staticmethod
    def _unavailable(name: str, reason: str) -> ServiceDocs:
        log.warning("docs.service_unavailable", service=name, reason=reason)
        return ServiceDocs(name, None, unavailable_reason=reason)


def _is_openapi_3(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and str(document.get("openapi", "")).startswith("3.")
        and isinstance(document.get("paths"), dict)
    )


async def _fetch(client: httpx.AsyncClient, base_url: str) -> tuple[Mapping[str, Any] | None, str]:
    """A service's OpenAPI document, or None and why not."""
    try:
        response = await client.get(f"{base_url}{OPENAPI_PATH}")
    except httpx.HTTPError as exc:
        return None, f"unreachable ({type(exc).__name__})"
    if response.status_code != 200:
        return None, f"answered HTTP {response.status_code}"
    try:
        document = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, "answered with something other than JSON"
    if not _is_openapi_3(document):
        return None, "answered with no OpenAPI 3 document"
    return document, ""
