"""Web frontend settings (env prefix HROMADA_WEB_, shared HROMADA_ fallback)."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings

# Only for dev and test stacks; production refuses to start without its own secret.
DEV_SESSION_SECRET = "hromada-web-dev-session-secret"  # noqa: S105 (dev stacks only)


class WebSettings(ServiceSettings):
    """Where the gateway is, how sessions are signed and how people sign in."""

    model_config = SettingsConfigDict(env_prefix="HROMADA_WEB_", extra="ignore")

    service_name: str = "web"
    port: int = 8110

    # The web app talks to nothing but the public gateway API.
    gateway_url: str = "http://127.0.0.1:8000"
    gateway_timeout_s: float = 15.0

    session_secret: str = ""
    session_max_age_s: int = 8 * 3600
    # Production serves HTTPS only, so its session cookie is Secure.
    cookie_secure: bool = False

    # "dev": the gateway's dev issuer (dev/test stacks); "oidc": the region's identity provider
    # (authorization code + PKCE, see web/sign_in.py).
    sign_in: Literal["dev", "oidc"] = "dev"
    oidc_authorize_url: str = ""
    oidc_token_url: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_redirect_url: str = ""
    oidc_scope: str = "openid profile email"

    def signing_secret(self) -> bytes:
        if self.session_secret:
            return self.session_secret.encode()
        if self.env == "prod":
            raise RuntimeError("HROMADA_WEB_SESSION_SECRET is required in production")
        return DEV_SESSION_SECRET.encode()
