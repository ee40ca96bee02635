"""The web frontend's one wiring place: settings -> gateway client -> pages. It has no database
and no bus: everything it shows or changes goes through the public gateway API."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from litestar import Litestar, Request, get
from litestar.config.app import AppConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import MutableScopeHeaders
from litestar.di import Provide
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Message, Scope

from chassis.logging import configure_logging
from web.account_pages import AccountPages
from web.admin_pages import CouncilAdminPages, RegionPages
from web.appeal_pages import AppealPages
from web.asc_pages import AscPages
from web.auth_pages import AuthPages
from web.budget_pages import BudgetPages
from web.gateway_api import GatewayApi
from web.hall_pages import HallPages
from web.home_pages import HomePages
from web.notify_pages import NotifyPages
from web.petition_pages import PetitionPages
from web.settings import WebSettings
from web.web_session import SessionCookies, SignInRequired, check_csrf

HERE = Path(__file__).parent
PAGE_CONTROLLERS: list[Any] = [
    AuthPages,
    HomePages,
    AppealPages,
    PetitionPages,
    BudgetPages,
    AscPages,
    HallPages,
    NotifyPages,
    AccountPages,
    CouncilAdminPages,
    RegionPages,
]


def content_security_policy(settings: WebSettings) -> str:
    """Our own files only; forms may also go to the region's identity provider."""
    form_targets = ["'self'"]
    if settings.sign_in == "oidc" and settings.oidc_authorize_url:
        parts = urlsplit(settings.oidc_authorize_url)
        form_targets.append(f"{parts.scheme}://{parts.netloc}")
    return (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        f"form-action {' '.join(form_targets)}; frame-ancestors 'none'; base-uri 'none'"
    )


def _security_headers(policy: str) -> Any:
    async def add(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            headers.setdefault("content-security-policy", policy)
            headers.setdefault("x-content-type-options", "nosniff")
            headers.setdefault("referrer-policy", "same-origin")
            headers.setdefault("cache-control", "no-store")  # pages show personal data

    return add


@get(["/health/live", "/health/ready"], include_in_schema=False, sync_to_thread=False)
def health() -> dict[str, str]:
    """The web app holds no connections of its own worth probing: up is ready."""
    return {"status": "ok"}


def _sign_in_redirect(request: Request[Any, Any, Any], exc: SignInRequired) -> Redirect:
    return Redirect(f"/app/sign-in?next={quote(exc.next_path)}", status_code=303)


def create_app(
    settings: WebSettings | None = None, transport: httpx.AsyncBaseTransport | None = None
) -> Litestar:
    """Build the web app; tests may pass an in-process gateway transport."""
    settings = settings or WebSettings()
    if settings.env == "prod" and settings.sign_in == "dev":
        # The dev issuer signs whatever is asked: production signs in with the region's IdP.
        raise RuntimeError("HROMADA_WEB_SIGN_IN=dev is for dev and test stacks only")
    configure_logging(settings.service_name, settings.log_format, settings.log_level)
    gateway = GatewayApi(settings.gateway_url, settings.gateway_timeout_s, transport)
    sessions = SessionCookies(settings)

    def provide(value: Any) -> Provide:
        return Provide(lambda: value, use_cache=True, sync_to_thread=False)

    def open_gateway(config: AppConfig) -> AppConfig:
        config.lifespan = [*config.lifespan, gateway.lifespan]
        return config

    return Litestar(
        route_handlers=[
            health,
            *PAGE_CONTROLLERS,
            create_static_files_router(path="/app/static", directories=[HERE / "static"]),
        ],
        dependencies={"gateway": provide(gateway), "web_settings": provide(settings)},
        middleware=[sessions.middleware],
        before_request=check_csrf,
        before_send=[_security_headers(content_security_policy(settings))],
        exception_handlers={SignInRequired: _sign_in_redirect},  # type: ignore[dict-item]
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        on_app_init=[open_gateway],
        openapi_config=None,
        logging_config=None,
    )
