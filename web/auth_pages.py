"""Landing, sign-in and sign-out, and the language switch."""

from __future__ import annotations

import time
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from web.gateway_api import ApiError, GatewayApi
from web.i18n import LANG_COOKIE, LANGUAGES
from web.pages import Req, api, form_of, render
from web.session import Session
from web.settings import WebSettings
from web.sign_in import ROLES, DevSignIn, OidcSignIn, dev_claims, unverified_claims
from web.web_session import session_of, set_session

DEMO_COUNCILS = ("chernivtsi", "uzhhorod", "kamianske")


def safe_next(value: str | None, default: str = "/app/") -> str:
    """Only our own pages: an open redirect would let a link send people anywhere."""
    if value and value.startswith("/app/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def home_of(session: Session) -> str:
    if session.has_role("platform_admin"):
        return "/app/region/dashboard"
    return f"/app/{session.council}/" if session.council else "/app/"


async def councils(request: Req, gateway: GatewayApi) -> list[dict[str, Any]]:
    """Every council of the region, the demo councils first."""
    try:
        items = (await api(request, gateway, "GET", "/api/v1/platform/tenants"))["items"]
    except ApiError:
        return [{"slug": slug, "name": {"uk": slug, "en": slug}} for slug in DEMO_COUNCILS]
    return sorted(items, key=lambda c: (c["slug"] not in DEMO_COUNCILS, c["slug"]))


class AuthPages(Controller):
    path = ""
    include_in_schema = False

    @get("/", status_code=303)
    async def root(self) -> Redirect:
        return Redirect("/app/", status_code=303)

    @get("/app/")
    async def landing(
        self, request: Req, gateway: NamedDependency[GatewayApi]
    ) -> Template | Redirect:
        session = session_of(request)
        if session.signed_in:
            return Redirect(home_of(session), status_code=303)
        return render(request, "landing.html", councils=await councils(request, gateway))

    @get("/app/sign-in")
    async def sign_in_page(
        self,
        request: Req,
        gateway: NamedDependency[GatewayApi],
        web_settings: NamedDependency[WebSettings],
    ) -> Template:
        return render(
            request,
            "sign_in.html",
            councils=await councils(request, gateway),
            roles=ROLES,
            mode=web_settings.sign_in,
            next=safe_next(request.query_params.get("next"), ""),
            chosen=request.query_params.get("council", "chernivtsi"),
        )

    @post("/app/sign-in", status_code=303)
    async def sign_in(
        self,
        request: Req,
        gateway: NamedDependency[GatewayApi],
        web_settings: NamedDependency[WebSettings],
    ) -> Redirect | Template:
        form = await form_of(request)
        council = form.get("council", "")
        if web_settings.sign_in == "oidc":
            url, pending = OidcSignIn(web_settings, gateway).start(council)
            set_session(request, session_of(request).with_pending(pending))
            return Redirect(url, status_code=303)
        try:
            claims = dev_claims(
                form.get("role", "citizen"),
                council,
                form.get("name", ""),
                form.get("sub", ""),
                form.get("email", ""),
            )
            token = await DevSignIn(gateway).token_for(claims)
        except (ValueError, ApiError) as exc:
            errors = exc.field_errors if isinstance(exc, ApiError) else {"role": str(exc)}
            return render(
                request,
                "sign_in.html",
                status_code=422,
                councils=await councils(request, gateway),
                roles=ROLES,
                mode="dev",
                next=form.get("next", ""),
                chosen=council,
                errors=errors or {"council": getattr(exc, "detail", "")},
                form=form,
            )
        return self._signed_in(request, token, council or None, form.get("next"))

    @get("/app/sign-in/callback", status_code=303)
    async def oidc_callback(
        self,
        request: Req,
        gateway: NamedDependency[GatewayApi],
        web_settings: NamedDependency[WebSettings],
    ) -> Redirect | Response[str]:
        code = request.query_params.get("code", "")
        state = request.query_params.get("state", "")
        pending = session_of(request).pending
        try:
            token = await OidcSignIn(web_settings, gateway).finish(code, state, pending)
        except (PermissionError, KeyError, ApiError):
            return Response("Вхід не вдався / Sign-in failed", status_code=400)
        return self._signed_in(request, token, pending.get("council"), None)

    def _signed_in(
        self, request: Req, token: str, council: str | None, nxt: str | None
    ) -> Redirect:
        claims = unverified_claims(token)
        if "platform_admin" in (claims.get("roles") or []):
            council = None  # the CDTO works for the whole region, not one council
        expires_at = int(claims.get("exp") or time.time() + 3600)
        session = session_of(request).signed_in_as(token, claims, council, expires_at)
        set_session(request, session)
        return Redirect(safe_next(nxt, home_of(session)), status_code=303)

    @post("/app/sign-out", status_code=303)
    async def sign_out(self, request: Req) -> Redirect:
        fresh = session_of(request)
        set_session(
            request, Session(sid=fresh.sid + "x", csrf=fresh.csrf, expires_at=fresh.expires_at)
        )
        return Redirect("/app/", status_code=303)

    @get("/app/lang/{code:str}", status_code=303)
    async def switch_language(self, request: Req, code: FromPath[str]) -> Redirect:
        target = safe_next(request.query_params.get("next"))
        response = Redirect(target, status_code=303)
        if code in LANGUAGES:
            response.set_cookie(LANG_COOKIE, code, path="/", max_age=365 * 86400, samesite="lax")
        return response
