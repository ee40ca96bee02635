"""A council's home page: what a resident can do there."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from web.gateway_api import ApiError, GatewayApi
from web.pages import Req, api, render


class HomePages(Controller):
    path = "/app/{tenant:str}"
    include_in_schema = False

    @get("/")
    async def council_home(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        try:
            info = await api(request, gateway, "GET", f"/api/v1/platform/tenants/{tenant}")
        except ApiError:
            info = None
        return render(request, "home.html", council_info=info)
