"""The ASC hall for its officials: check a booked visitor in, issue a walk-in ticket, call the
next visitor to a window and end the call; and the public board shown on the hall's screen."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from web.gateway_api import ApiError, GatewayApi
from web.pages import Req, api, error_page, form_of, render
from web.web_session import signed_in


def hall_page(tenant: str, office_id: str, notice: str = "done", **extra: str) -> Redirect:
    query = urlencode({"office": office_id, "notice": notice, **extra})
    return Redirect(f"/app/{tenant}/asc/hall?{query}", status_code=303)


class HallPages(Controller):
    path = "/app/{tenant:str}/asc"
    include_in_schema = False

    @get("/hall")
    async def hall(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        signed_in(request)
        office_id = request.query_params.get("office", "")
        base = f"/api/v1/{tenant}/queue"
        try:
            offices, services = await asyncio.gather(
                api(request, gateway, "GET", f"{base}/offices"),
                api(request, gateway, "GET", f"{base}/services"),
            )
            active = [o for o in offices["items"] if o.get("active", True)]
            office_id = office_id or (active[0]["id"] if active else "")
            board: dict[str, Any] | None = None
            if office_id:
                board = await api(request, gateway, "GET", f"{base}/offices/{office_id}/board")
        except ApiError as error:
            return error_page(request, error)
        office = next((o for o in active if o["id"] == office_id), None)
        return render(
            request, "asc/hall.html", offices=active, office=office, board=board,
            services=services["items"], called=request.query_params.get("called"),
        )  # fmt: skip

    @post("/hall/{office_id:str}/{action:str}", status_code=303)
    async def act(
        self,
        request: Req,
        tenant: FromPath[str],
        office_id: FromPath[str],
        action: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect | Template:
        """call-next {window} · check-in {booking_id} · ticket {service_code} · served/no-show
        {number}."""
        signed_in(request)
        form = await form_of(request)
        base = f"/api/v1/{tenant}/queue"
        try:
            if action == "call-next":
                window = int(form["window"]) if form.get("window", "").isdigit() else 0
                path = f"{base}/offices/{office_id}/call-next"
                called = await api(request, gateway, "POST", path, json={"window": window})
                number = (called.get("ticket") or {}).get("number") or "—"
                return hall_page(tenant, office_id, called=number)
            if action == "check-in":
                path = f"{base}/bookings/{form.get('booking_id', '')}/check-in"
                ticket = await api(request, gateway, "POST", path, json={})
                return hall_page(tenant, office_id, called=ticket["number"])
            if action == "ticket":
                walk_in = {
                    "service_code": form.get("service_code", ""),
                    "priority": "priority" in form,
                }
                path = f"{base}/offices/{office_id}/tickets"
                ticket = await api(request, gateway, "POST", path, json=walk_in)
                return hall_page(tenant, office_id, called=ticket["number"])
            if action in ("served", "no-show"):
                path = f"{base}/offices/{office_id}/tickets/{form.get('number', '')}/{action}"
                await api(request, gateway, "POST", path, json={})
        except ApiError as error:
            return error_page(request, error)
        return hall_page(tenant, office_id)

    @get("/offices/{office_id:str}/board")
    async def board(
        self,
        request: Req,
        tenant: FromPath[str],
        office_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template:
        """The hall screen: reloads itself every few seconds (no script needed)."""
        path = f"/api/v1/{tenant}/queue/offices/{office_id}/board"
        try:
            board = await api(request, gateway, "GET", path)
        except ApiError as error:
            return error_page(request, error)
        return render(request, "asc/board.html", board=board)
