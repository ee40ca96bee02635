"""Gateway unit fixtures: an in-memory tenant directory, a recording in-process upstream, the
dev issuer's key (made once per session) and a client for a freshly wired gateway."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey
from litestar import Litestar
from litestar.testing import AsyncTestClient

from gateway.app import create_app
from gateway.dev_identity import DevIssuer, load_or_create_signing_key
from gateway.settings import GatewaySettings
from gateway.tenants import DEMO_TENANTS, Tenant

ISSUER = "http://gateway.test"
AUDIENCE = "hromada"
BODY_LIMIT = 1024


class FakeTenantDirectory:
    """The demo councils plus one deactivated council, in memory."""

    def __init__(self) -> None:
        closed = Tenant("closed", {"uk": "Закрита громада", "en": "Closed"}, active=False)
        self.tenants = {t.slug: t for t in (*DEMO_TENANTS, closed)}
        self.seeded: list[str] = []

    async def find(self, slug: str) -> Tenant | None:
        return self.tenants.get(slug)

    async def find_active(self, slug: str) -> Tenant | None:
        tenant = self.tenants.get(slug)
        return tenant if tenant and tenant.active else None

    async def list_active(self) -> list[Tenant]:
        return [t for t in self.tenants.values() if t.active]

    async def list_all(self) -> list[Tenant]:
        return list(self.tenants.values())

    async def seed(self, tenants: Any) -> None:
        self.seeded.extend(t.slug for t in tenants)


@dataclass
class UpstreamCall:
    method: str
    raw_path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    complete: bool = False

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


@dataclass
class FakeUpstream:
    """An ASGI service that records what reached it and answers with a small JSON body."""

    calls: list[UpstreamCall] = field(default_factory=list)
    status: int = 200
    extra_headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        call = UpstreamCall(
            method=scope["method"],
            raw_path=scope["raw_path"].decode(),
            query=scope["query_string"].decode(),
            headers=[(k.decode(), v.decode()) for k, v in scope["headers"]],
        )
        self.calls.append(call)
        while True:
            message = await receive()
            call.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        call.complete = True
        body = json.dumps({"served": call.raw_path}).encode()
        headers = [(b"content-type", b"application/json"), *self.extra_headers]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="session")
def dev_key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gateway-keys") / "dev-signing-key.json"
    load_or_create_signing_key(path)  # RSA generation is the slow part; do it once
    return path


@pytest.fixture(scope="session")
def issuer(dev_key_file: Path) -> DevIssuer:
    return DevIssuer(load_or_create_signing_key(dev_key_file), ISSUER, AUDIENCE, 3600)


@pytest.fixture(scope="session")
def other_key(issuer: DevIssuer) -> RSAKey:
    """A stranger's key that even claims the gateway's kid."""
    return RSAKey.generate_key(2048, {"kid": issuer.key.kid, "alg": "RS256"})


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    values = {"iss": ISSUER, "aud": AUDIENCE, "sub": "citizen-1", "roles": ["citizen"]}
    values |= {"iat": now, "nbf": now, "exp": now + 300}
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_settings(dev_key_file: Path, **overrides: Any) -> GatewaySettings:
    values: dict[str, Any] = {
        "env": "test",
        "dev_key_file": dev_key_file,
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "jwks_url": "http://jwks.invalid/never-fetched",
        "mongo_url": "mongodb://127.0.0.1:9/",  # only the readiness probe tries it, and fails
        "mongo_timeout_ms": 100,
        "kafka_bootstrap": "127.0.0.1:9",  # nothing listens: unit tests never reach a Kafka
        "max_body_bytes": BODY_LIMIT,
        # Off here (its store is MongoDB); test_rate_limits.py turns it on with a fake store.
        "rate_limits_enabled": False,
        "otlp_endpoint": None,
    }
    values.update(overrides)
    return GatewaySettings(**values)


@pytest.fixture
def upstream() -> FakeUpstream:
    return FakeUpstream()


@pytest.fixture
def tenants() -> FakeTenantDirectory:
    return FakeTenantDirectory()


def build_gateway(
    dev_key_file: Path,
    upstream: Any,
    tenants: FakeTenantDirectory | None = None,
    **settings: Any,
) -> Litestar:
    """The gateway in test mode in front of one fake upstream (every service points at it)."""
    transport = upstream if isinstance(upstream, httpx.AsyncBaseTransport) else None
    return create_app(
        make_settings(dev_key_file, **settings),
        tenant_directory=tenants or FakeTenantDirectory(),
        upstream_transport=transport or httpx.ASGITransport(upstream),
    )


@pytest.fixture
async def gateway(
    dev_key_file: Path, upstream: FakeUpstream, tenants: FakeTenantDirectory
) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(build_gateway(dev_key_file, upstream, tenants)) as client:
        yield client
