"""Petitions: browse and search, create, sign; the council's moderation and response."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from web.gateway_api import ApiError, GatewayApi
from web.pages import Req, api, back_to, error_page, form_of, render
from web.web_session import session_of, signed_in

PUBLIC_STATUSES = ("collecting", "answered", "all")
STAFF_STATUSES = ("moderation", "collecting", "under_consideration", "answered", "rejected", "all")
# What each moderation button sends: the form fields it reads.
STAFF_ACTIONS: dict[str, tuple[str, ...]] = {
    "publish": (),
    "reject": ("reason",),
    "response": ("decision", "text"),
}


class PetitionPages(Controller):
    path = "/app/{tenant:str}/petitions"
    include_in_schema = False

    @get("/")
    async def list_petitions(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        staff = session_of(request).is_staff_of(tenant)
        statuses = STAFF_STATUSES if staff else PUBLIC_STATUSES
        status = request.query_params.get("status", "collecting")
        params: dict[str, Any] = {"status": status if status in statuses else "collecting"}
        q = request.query_params.get("q", "").strip()
        if q:
            params["q"] = q
        try:
            page = await api(request, gateway, "GET", f"/api/v1/{tenant}/petitions", params=params)
        except ApiError as error:
            return error_page(request, error)
        return render(
            request, "petitions/list.html", items=page["items"], statuses=statuses,
            status=params["status"], q=q, staff=staff,
        )  # fmt: skip

    @get("/new")
    async def new_petition(self, request: Req, tenant: FromPath[str]) -> Template:
        signed_in(request)
        return render(request, "petitions/new.html")

    @post("/new", status_code=303)
    async def create_petition(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template | Redirect:
        signed_in(request)
        form = await form_of(request)
        body = {"title": form.get("title", ""), "text": form.get("text", "")}
        try:
            created = await api(
                request, gateway, "POST", f"/api/v1/{tenant}/petitions", json=body, idempotent=True
            )
        except ApiError as error:
            return render(
                request, "petitions/new.html", status_code=error.status, form=form,
                errors=error.field_errors or {"_": error.detail},
            )  # fmt: skip
        return back_to(f"/app/{tenant}/petitions/{created['id']}", "done")

    @get("/{petition_id:str}")
    async def show_petition(
        self,
        request: Req,
        tenant: FromPath[str],
        petition_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template:
        return await self._page(request, tenant, petition_id, gateway)

    async def _page(
        self,
        request: Req,
        tenant: str,
        petition_id: str,
        gateway: GatewayApi,
        **extra: Any,
    ) -> Template:
        try:
            petition = await api(
                request, gateway, "GET", f"/api/v1/{tenant}/petitions/{petition_id}"
            )
        except ApiError as error:
            return error_page(request, error)
        threshold = max(int(petition.get("threshold") or 1), 1)
        percent = min(100, int(100 * int(petition.get("signature_count") or 0) / threshold))
        return render(
            request, "petitions/show.html", status_code=_status_of(extra), petition=petition,
            percent=percent,
            staff=session_of(request).is_staff_of(tenant), **extra,
        )  # fmt: skip

    @post("/{petition_id:str}/sign", status_code=303)
    async def sign_petition(
        self,
        request: Req,
        tenant: FromPath[str],
        petition_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template | Redirect:
        signed_in(request)
        path = f"/api/v1/{tenant}/petitions/{petition_id}/signatures"
        try:
            await api(request, gateway, "POST", path, json={})
        except ApiError as error:
            return await self._page(request, tenant, petition_id, gateway, error=error)
        return back_to(f"/app/{tenant}/petitions/{petition_id}", "petitions.signed")

    @post("/{petition_id:str}/act/{action:str}", status_code=303)
    async def moderate(
        self,
        request: Req,
        tenant: FromPath[str],
        petition_id: FromPath[str],
        action: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template | Redirect:
        signed_in(request)
        fields = STAFF_ACTIONS.get(action)
        if fields is None:
            return back_to(f"/app/{tenant}/petitions/{petition_id}")
        form = await form_of(request)
        body = {name: form.get(name, "") for name in fields}
        path = f"/api/v1/{tenant}/petitions/{petition_id}/{action}"
        try:
            await api(request, gateway, "POST", path, json=body)
        except ApiError as error:
            return await self._page(
                request, tenant, petition_id, gateway, error=error, errors=error.field_errors
            )
        return back_to(f"/app/{tenant}/petitions/{petition_id}", "done")


def _status_of(extra: dict[str, Any]) -> int:
    """A page shown again after a refusal answers with the refusal's status."""
    error = extra.get("error")
    return error.status if isinstance(error, ApiError) else 200
