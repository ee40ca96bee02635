"""What every page shares: the template context (language, session, form token, council) and
the small helpers the page controllers use."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.response import Redirect, Template

from web.gateway_api import ApiError, GatewayApi
from web.i18n import LANG_COOKIE, language_of, localized, status_text, translate
from web.web_session import session_of

KYIV = ZoneInfo("Europe/Kyiv")
Req = Request[Any, Any, Any]


def lang_of(request: Req) -> str:
    return language_of(request.cookies.get(LANG_COOKIE))


def t_for(request: Req) -> Callable[..., str]:
    lang = lang_of(request)
    return lambda key, **values: translate(lang, key, **values)


def render(request: Req, template: str, status_code: int = 200, **context: Any) -> Template:
    session = session_of(request)
    lang = lang_of(request)
    council = context.pop("council", None) or request.path_params.get("tenant") or session.council
    base: dict[str, Any] = {
        "lang": lang,
        "t": lambda key, **values: translate(lang, key, **values),
        "loc": lambda value: localized(lang, value),
        "st": lambda value: status_text(lang, str(value)),
        "when": when,
        "money": money,
        "session": session,
        "csrf": session.csrf,
        "council": council,
        "path": request.url.path,
        "errors": {},
        "form": {},
        "notice": request.query_params.get("notice"),
    }
    return Template(template_name=template, context={**base, **context}, status_code=status_code)


def when(value: Any, with_time: bool = True) -> str:
    """An API timestamp on the council's wall clock (Kyiv), day first as Ukrainians write it."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(KYIV)
    return moment.strftime("%d.%m.%Y %H:%M" if with_time else "%d.%m.%Y")


def money(kopiyky: Any) -> str:
    """Kopiyky as hryvnias with two decimals: 34500 -> "345.00 грн"."""
    if kopiyky is None:
        return ""
    return f"{int(kopiyky) // 100}.{int(kopiyky) % 100:02d} грн"


def back_to(path: str, notice: str | None = None) -> Redirect:
    """Post/redirect/get: after a form, show the page again (with a short notice key)."""
    return Redirect(path=f"{path}?notice={notice}" if notice else path, status_code=303)


def client_ip(request: Req) -> str | None:
    return request.client.host if request.client else None


async def api(request: Req, gateway: GatewayApi, method: str, path: str, **kwargs: Any) -> Any:
    """Call the gateway as the person in this session (anonymous if nobody signed in)."""
    session = session_of(request)
    return await gateway.call(
        method, path, token=session.token, client_ip=client_ip(request), **kwargs
    )


async def form_of(request: Req) -> dict[str, str]:
    """The posted form's text fields, trimmed (files are read separately)."""
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def error_page(request: Req, error: ApiError) -> Template:
    return render(request, "error.html", status_code=error.status, error=error)
