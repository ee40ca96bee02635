"""Settings base: one class per service, env prefix per service, shared `HROMADA_*` fallback."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)


class ServiceSettings(BaseSettings):
    """Infrastructure settings every service has.

    A service subclasses this with its own prefix (``HROMADA_APPEALS_``). Each field is read
    from the service's prefix first and then from the shared ``HROMADA_`` prefix, so the local
    stack and the Helm chart can set the shared endpoints once for every service.
    """

    model_config = SettingsConfigDict(env_prefix="HROMADA_", extra="ignore")

    service_name: str = "hromada"
    env: Literal["dev", "test", "prod"] = "prod"
    host: str = "127.0.0.1"
    port: int = 8080

    mongo_url: str = "mongodb://127.0.0.1:27017/"
    mongo_db: str = ""
    mongo_timeout_ms: int = 5000
    # Concurrent database operations of one process. Bounded, so that a burst waits in the
    # client instead of piling onto the database (FerretDB needs up to two PostgreSQL
    # connections per operation; see deploy/local/stack.py).
    mongo_max_pool_size: int = 24

    kafka_bootstrap: str = "127.0.0.1:9092"
    kafka_publish_timeout_s: float = 10.0
    # A production cluster (Strimzi, MSK, Confluent) wants TLS and a SASL login; PLAINTEXT is
    # the local stack. With TLS the server's certificate is checked against the system CAs or
    # `kafka_ssl_cafile` (a cluster's own CA).
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: SecretStr = SecretStr("")
    kafka_ssl_cafile: str | None = None

    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_secure: bool = False

    otlp_endpoint: str | None = None
    log_format: Literal["json", "pretty"] = "pretty"
    log_level: str = "INFO"

    jwt_issuer: str = "http://127.0.0.1:8000"
    jwt_audience: str = "hromada"
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwt_algorithms: list[str] = ["RS256", "ES256"]
    # Production: discover the JWKS from the issuer (Keycloak, id.gov.ua broker) and map its
    # `acr` values to low / substantial / high, e.g. {"urn:eidas:loa:substantial": "substantial"}.
    jwt_discovery: bool = False
    jwt_acr_map: dict[str, str] = {}

    @property
    def database_name(self) -> str:
        return self.mongo_db or f"hromada_{self.service_name}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        shared = EnvSettingsSource(settings_cls, env_prefix="HROMADA_")
        return (init_settings, env_settings, shared, dotenv_settings, file_secret_settings)
