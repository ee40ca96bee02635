"""Gateway settings: where each service lives, edge limits, tenant cache and the dev issuer."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings

MIB = 1024 * 1024


class GatewaySettings(ServiceSettings):
    """Read from ``HROMADA_GATEWAY_*`` first, then the shared ``HROMADA_*``."""

    model_config = SettingsConfigDict(env_prefix="HROMADA_GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000

    appeals_url: str = "http://127.0.0.1:8101"
    petitions_url: str = "http://127.0.0.1:8102"
    budget_url: str = "http://127.0.0.1:8103"
    queue_url: str = "http://127.0.0.1:8104"
    payments_url: str = "http://127.0.0.1:8105"
    notify_url: str = "http://127.0.0.1:8106"
    bot_url: str = "http://127.0.0.1:8109"
    # The web frontend (web/): `/` and `/app/...` go there; it is not an API service.
    web_url: str = "http://127.0.0.1:8110"

    upstream_connect_timeout_s: float = 2.0
    upstream_read_timeout_s: float = 15.0
    # Connections in flight per service (gateway/upstream_transport.py); more requests wait
    # for one. At 300 requests/s and ~50 ms a request, 16 leaves room (Little's law).
    upstream_max_connections: int = 16
    max_body_bytes: int = MIB
    # File uploads (POST .../attachments): the edge ceiling; each service applies the
    # council's own limit below it (appeals: 10 MB by default).
    upload_max_body_bytes: int = 26 * MIB

    # Edge hardening (rate_limits.py, cors.py, circuit_breaker.py). Councils override the
    # per-user limits in their settings (`rate_limits`).
    rate_limits_enabled: bool = True
    sensitive_writes_per_minute: int = 20
    requests_per_minute: int = 600
    anonymous_requests_per_minute_per_ip: int = 1200
    # Where the per-window slots live: "mongo" shares them between every gateway replica
    # (exact limits however a load balancer spreads a user's requests; one insert per
    # request); "local" keeps them in this process only, exact for a single replica and free
    # of any round trip (the local stack runs one gateway). Two replicas on "local" would let
    # a user through up to twice the limit.
    rate_limit_store: Literal["mongo", "local"] = "mongo"
    rate_limit_store_timeout_s: float = 2.0
    rate_limit_fail_open_s: float = 5.0
    cors_max_age_s: int = 600
    breaker_failure_threshold: int = 5
    breaker_cooldown_s: float = 10.0

    tenant_cache_s: float = 5.0
    seed_demo_tenants: bool = True

    docs_cache_s: float = 15.0
    docs_fetch_timeout_s: float = 3.0
    asyncapi_dir: Path | None = None  # default: docs/asyncapi/ of the checkout

    dev_key_file: Path = Path(".stack/data/gateway/dev-signing-key.json")
    dev_token_max_lifetime_s: int = 7 * 24 * 3600

    @property
    def service_urls(self) -> dict[str, str]:
        """Public service name (the second path segment) -> base URL of its deployment."""
        return {
            "appeals": self.appeals_url,
            "petitions": self.petitions_url,
            "budget": self.budget_url,
            "queue": self.queue_url,
            "payments": self.payments_url,
            "notify": self.notify_url,
            # The messenger bot: Telegram's webhook and the cabinet's link codes.
            "bot": self.bot_url,
            # Open311 GeoReport v2 (`/api/v1/{tenant}/open311/v2/...`) is served by appeals.
            "open311": self.appeals_url,
        }

    @property
    def dev_identity_enabled(self) -> bool:
        """The gateway issues its own tokens only where nobody real signs in."""
        return self.env in ("dev", "test")
