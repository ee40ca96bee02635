"""My notifications (the in-app inbox) and how I want to be told; the council's news feed and,
for its officials, publishing news."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from web.gateway_api import ApiError, GatewayApi
from web.pages import Req, api, back_to, error_page, form_of, render
from web.web_session import session_of, signed_in

CHANNELS = ("email", "sms", "telegram", "inbox")


def preferences_body(form: dict[str, str]) -> dict[str, Any]:
    """The preferences API body from the form: unticked boxes are off, blank texts unset."""
    body: dict[str, Any] = {channel: form.get(channel) == "on" for channel in CHANNELS}
    body["locale"] = "en" if form.get("locale") == "en" else "uk"
    for name in ("phone", "telegram_chat_id", "settlement"):
        if form.get(name):
            body[name] = form[name]
    if form.get("quiet_start") or form.get("quiet_end"):
        body["quiet_hours"] = {
            "start": form.get("quiet_start", ""),
            "end": form.get("quiet_end", ""),
        }
    return body


class NotifyPages(Controller):
    path = "/app/{tenant:str}"
    include_in_schema = False

    @get("/inbox")
    async def inbox(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        signed_in(request)
        try:
            page = await api(
                request, gateway, "GET", f"/api/v1/{tenant}/notify/inbox", params={"limit": 50}
            )
        except ApiError as error:
            return error_page(request, error)
        return render(request, "notify/inbox.html", items=page["items"])

    @post("/inbox/{item_id:str}/read", status_code=303)
    async def mark_read(
        self,
        request: Req,
        tenant: FromPath[str],
        item_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect | Template:
        signed_in(request)
        path = f"/api/v1/{tenant}/notify/inbox/{item_id}/read"
        try:
            await api(request, gateway, "POST", path, json={})
        except ApiError as error:
            return error_page(request, error)
        return back_to(f"/app/{tenant}/inbox")

    @get("/preferences")
    async def preferences(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        signed_in(request)
        try:
            prefs = await api(request, gateway, "GET", f"/api/v1/{tenant}/notify/preferences")
        except ApiError as error:
            return error_page(request, error)
        return render(request, "notify/preferences.html", prefs=prefs, channels=CHANNELS)

    @post("/preferences", status_code=303)
    async def save_preferences(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Redirect | Template:
        signed_in(request)
        form = await form_of(request)
        body = preferences_body(form)
        try:
            await api(request, gateway, "PUT", f"/api/v1/{tenant}/notify/preferences", json=body)
        except ApiError as error:
            return render(
                request, "notify/preferences.html", status_code=error.status, prefs=body,
                channels=CHANNELS, errors=error.field_errors or {"_": error.detail},
            )  # fmt: skip
        return back_to(f"/app/{tenant}/preferences", "done")

    @get("/news")
    async def news(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        try:
            page = await api(
                request, gateway, "GET", f"/api/v1/{tenant}/notify/news", params={"limit": 20}
            )
        except ApiError as error:
            return error_page(request, error)
        staff = session_of(request).is_staff_of(tenant)
        return render(request, "notify/news.html", items=page["items"], staff=staff)

    @post("/news", status_code=303)
    async def publish_news(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Redirect | Template:
        signed_in(request)
        form = await form_of(request)
        body = {
            "title": form.get("title", ""),
            "body": form.get("body", ""),
            "audience": form.get("audience", "all"),
        }
        if form.get("settlement"):
            body["settlement"] = form["settlement"]
        try:
            await api(request, gateway, "POST", f"/api/v1/{tenant}/notify/news", json=body)
        except ApiError as error:
            page = await api(request, gateway, "GET", f"/api/v1/{tenant}/notify/news")
            return render(
                request, "notify/news.html", status_code=error.status, items=page["items"],
                staff=True, form=form, errors=error.field_errors or {"_": error.detail},
            )  # fmt: skip
        return back_to(f"/app/{tenant}/news", "done")
