"""The gateway's one wiring place: settings -> clients -> routes. Nothing connects on import."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar
from litestar.di import Provide

from chassis.service import Infrastructure, create_service_app
from gateway.dev_identity import DevIdentityController, DevIssuer, load_or_create_signing_key
from gateway.platform import PlatformController
from gateway.proxy import ServiceProxy, proxy_to_service
from gateway.settings import GatewaySettings
from gateway.tenants import (
    DEMO_TENANTS,
    TENANTS_COLLECTION,
    TenantDirectory,
    TenantRegistry,
    TenantSeeding,
)


def create_app(
    settings: GatewaySettings | None = None,
    *,
    tenant_directory: TenantDirectory | None = None,
    upstream_transport: httpx.AsyncBaseTransport | None = None,
) -> Litestar:
    """Build the gateway; tests may pass a fake tenant directory and an in-process upstream."""
    settings = settings or GatewaySettings()
    infra = Infrastructure(settings, with_kafka=False)
    tenants = tenant_directory or TenantRegistry(
        infra.db[TENANTS_COLLECTION], cache_ttl_s=settings.tenant_cache_s
    )
    proxy = ServiceProxy(settings, tenants, infra.verifier, transport=upstream_transport)
    seeding = TenantSeeding(tenants, DEMO_TENANTS if settings.seed_demo_tenants else ())

    route_handlers: list[Any] = [PlatformController, proxy_to_service]
    dependencies = {
        "tenant_directory": _provide(tenants),
        "service_proxy": _provide(proxy),
    }
    if settings.dev_identity_enabled:
        key = load_or_create_signing_key(settings.dev_key_file)
        issuer = DevIssuer(
            key, settings.jwt_issuer, settings.jwt_audience, settings.dev_token_max_lifetime_s
        )
        # Verify our own tokens with the keys we publish, without calling ourselves over HTTP.
        infra.verifier.use_keys(issuer.public_key_set())
        route_handlers.append(DevIdentityController)
        dependencies["dev_issuer"] = _provide(issuer)

    return create_service_app(
        infra,
        title="Hromada gateway",
        route_handlers=route_handlers,
        background=[seeding.run],
        ready_checks={"tenants_seeded": seeding.is_done},
        dependencies=dependencies,
        on_app_init=[proxy.install],
    )


def _provide(value: Any) -> Provide:
    def dependency() -> Any:
        return value

    return Provide(dependency, use_cache=True, sync_to_thread=False)
