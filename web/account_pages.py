"""My data (Law 2297-VI Art. 8): one download of everything the suite keeps about me, and my
payments: fines looked up by resolution number and paid at the provider's checkout."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from web.gateway_api import ApiError, GatewayApi
from web.pages import Req, api, error_page, form_of, render
from web.web_session import session_of, signed_in


class AccountPages(Controller):
    path = "/app/{tenant:str}"
    include_in_schema = False

    @get("/me")
    async def my_data(self, request: Req, tenant: FromPath[str]) -> Template:
        signed_in(request)
        return render(request, "account/me.html")

    @post("/me/telegram", status_code=200)
    async def link_telegram(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        """A one-time code for the council's Telegram bot (bot/): opening its link ties the chat
        to this person."""
        signed_in(request)
        try:
            link = await api(request, gateway, "POST", f"/api/v1/{tenant}/bot/links", json={})
        except ApiError as error:
            return error_page(request, error)
        return render(request, "account/me.html", link=link)

    @get("/me/export.json")
    async def export_my_data(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Response[bytes] | Template:
        session = signed_in(request)
        answer = await gateway.send("GET", f"/api/v1/{tenant}/me/export", token=session.token)
        if answer.status_code != 200:
            return error_page(request, ApiError(answer.status_code, answer.text[:300]))
        return Response(
            answer.content,
            media_type="application/json",
            headers={
                "Content-Disposition": f'attachment; filename="hromada-{tenant}-my-data.json"'
            },
        )

    @get("/payments")
    async def payments(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        session = session_of(request)
        resolution = request.query_params.get("resolution", "").strip()
        if resolution:  # the fines register answers signed-in people only
            signed_in(request)
        mine: list[dict[str, object]] = []
        fine = None
        error = None
        try:
            if session.signed_in:
                page = await api(request, gateway, "GET", f"/api/v1/{tenant}/payments")
                mine = page["items"]
            if resolution:
                fine = await api(
                    request, gateway, "GET", f"/api/v1/{tenant}/payments/fines/{resolution}"
                )
        except ApiError as failed:
            error = failed
        return render(
            request, "payments/list.html", payments=mine, fine=fine, resolution=resolution,
            error=error,
        )  # fmt: skip

    @post("/payments/fines", status_code=303)
    async def pay_fine(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Redirect | Template:
        signed_in(request)
        form = await form_of(request)
        body = {"purpose": "fine", "reference": form.get("resolution", ""), "currency": "UAH"}
        try:
            payment = await api(
                request, gateway, "POST", f"/api/v1/{tenant}/payments", json=body, idempotent=True
            )
        except ApiError as error:
            return error_page(request, error)
        return Redirect(payment["checkout_url"], status_code=303)
