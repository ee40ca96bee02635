"""The gateway's one wiring place: settings -> clients -> routes. Nothing connects on import."""

from __future__ import annotations

from typing import Any

import httpx
from litestar import Litestar
from litestar.di import Provide

from chassis.outbox import OutboxRelay
from chassis.service import Infrastructure, create_service_app
from contracts.platform import TenantRegistered, TenantUpdated
from gateway.circuit_breaker import CircuitBreakers
from gateway.citizen_data import CitizenDataController
from gateway.cors import CorsPolicy
from gateway.dashboard import DashboardController
from gateway.dev_identity import DevIdentityController, DevIssuer, load_or_create_signing_key
from gateway.docs import DocsCatalog, DocsController
from gateway.fanout import ServiceFanout
from gateway.open_data import OpenDataIndexController
from gateway.platform import PlatformController
from gateway.proxy import ServiceProxy, proxy_to_service
from gateway.rate_limit_store import RATE_LIMIT_COLLECTION, wire_rate_limits
from gateway.rate_limits import SlotStore
from gateway.security_headers import install_security_headers
from gateway.settings import GatewaySettings
from gateway.tenant_registry import TENANTS_COLLECTION, TenantRegistry
from gateway.tenants import DEMO_TENANTS, TenantDirectory, TenantSeeding
from gateway.web_frontend import WebFrontend, web_pages


def create_app(
    settings: GatewaySettings | None = None,
    *,
    tenant_directory: TenantDirectory | None = None,
    upstream_transport: httpx.AsyncBaseTransport | None = None,
    rate_limit_store: SlotStore | None = None,
) -> Litestar:
    """Build the gateway; tests may pass a fake tenant directory, an in-process upstream and
    an in-memory rate-limit store."""
    settings = settings or GatewaySettings()
    infra = Infrastructure(settings, with_kafka=True)
    assert infra.broker is not None
    # Tenant events go out through the outbox of the tenants collection. It holds a few dozen
    # councils, so the relay's scan for pending events needs no index.
    relay = OutboxRelay(
        infra.broker,
        [infra.db[TENANTS_COLLECTION]],
        publish_timeout_s=settings.kafka_publish_timeout_s,
    )
    for event in (TenantRegistered, TenantUpdated):  # declared for AsyncAPI; the relay sends
        infra.broker.publisher(
            event.topic, title=event.event_type, description=event.__doc__, schema=event
        )
    tenants = tenant_directory or TenantRegistry(
        infra.db[TENANTS_COLLECTION],
        cache_ttl_s=settings.tenant_cache_s,
        on_events_stored=relay.wake,
    )
    # A directory passed in (tests) keeps no outbox in our database: nothing to relay.
    relay_jobs = [relay.run] if tenant_directory is None else []
    rate_limits, rate_limit_jobs = wire_rate_limits(
        settings, infra.db[RATE_LIMIT_COLLECTION], rate_limit_store
    )
    breakers = CircuitBreakers(settings.breaker_failure_threshold, settings.breaker_cooldown_s)
    proxy = ServiceProxy(
        settings,
        tenants,
        infra.verifier,
        transport=upstream_transport,
        rate_limits=rate_limits,
        breakers=breakers,
    )
    cors = CorsPolicy(tenants, max_age_s=settings.cors_max_age_s)
    seeding = TenantSeeding(tenants, DEMO_TENANTS if settings.seed_demo_tenants else ())

    docs = DocsCatalog(
        settings.service_urls,
        cache_ttl_s=settings.docs_cache_s,
        fetch_timeout_s=settings.docs_fetch_timeout_s,
        transport=upstream_transport,
        asyncapi_dir=settings.asyncapi_dir,
    )

    # Routes the gateway answers itself by asking every service (data rights, dashboard).
    fanout = ServiceFanout(settings.service_urls, transport=upstream_transport)

    route_handlers: list[Any] = [PlatformController, DocsController, proxy_to_service]
    # Static `/api/v1/{tenant}/me/...` and `/open-data` win over the proxy's `{service}` routes.
    route_handlers += [CitizenDataController, DashboardController, OpenDataIndexController]
    web_frontend = WebFrontend(settings, transport=upstream_transport)
    route_handlers.append(web_pages)  # `/` and `/app/...`: the web frontend
    dependencies = {
        "tenant_directory": _provide(tenants),
        "tenant_store": _provide(tenants),
        "service_proxy": _provide(proxy),
        "docs_catalog": _provide(docs),
        "service_fanout": _provide(fanout),
        "web_frontend": _provide(web_frontend),
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
        background=[seeding.run, *relay_jobs, *rate_limit_jobs],
        ready_checks={"tenants_seeded": seeding.is_done},
        dependencies=dependencies,
        on_app_init=[
            proxy.install,
            fanout.install,
            web_frontend.install,
            cors.install,
            install_security_headers,
        ],
        extra_state={"broker": infra.broker},
    )


def _provide(value: Any) -> Provide:
    def dependency() -> Any:
        return value

    return Provide(dependency, use_cache=True, sync_to_thread=False)
