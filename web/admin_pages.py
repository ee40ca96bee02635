"""Administrators: a council's own settings (petition rules, appeal categories) and budget
cycle setup for its tenant admin; the regional dashboard for the CDTO (platform admin)."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup

from web.admin_forms import (
    DASHBOARD_FIGURES,
    DATE_FIELDS,
    MAX_CATEGORIES,
    cycle_body,
    dashboard_rows,
)
from web.charts import bar_chart
from web.gateway_api import ApiError, GatewayApi
from web.i18n import localized, translate
from web.pages import Req, api, back_to, error_page, form_of, lang_of, render
from web.web_session import signed_in


class CouncilAdminPages(Controller):
    path = "/app/{tenant:str}"
    include_in_schema = False

    @get("/settings")
    async def settings(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        return await self._settings_page(request, tenant, gateway)

    async def _settings_page(
        self, request: Req, tenant: str, gateway: GatewayApi, status_code: int = 200, **extra: Any
    ) -> Template:
        signed_in(request)
        try:
            rules, categories = await asyncio.gather(
                api(request, gateway, "GET", f"/api/v1/{tenant}/petitions/settings"),
                api(request, gateway, "GET", f"/api/v1/{tenant}/appeals/categories"),
            )
        except ApiError as error:
            return error_page(request, error)
        return render(
            request, "admin/settings.html", status_code=status_code, rules=rules,
            categories=categories["items"], **extra,
        )  # fmt: skip

    @post("/settings/petitions", status_code=303)
    async def save_petition_rules(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Redirect | Template:
        signed_in(request)
        form = await form_of(request)
        body: dict[str, object] = {"signers": form.get("signers", "any")}
        for name in ("threshold", "collection_days"):
            if form.get(name):
                body[name] = int(form[name]) if form[name].isdigit() else form[name]
        path = f"/api/v1/{tenant}/petitions/settings"
        try:
            await api(request, gateway, "PUT", path, json=body)
        except ApiError as error:
            return await self._settings_page(
                request, tenant, gateway, error.status,
                errors=error.field_errors or {"_": error.detail},
            )  # fmt: skip
        return back_to(f"/app/{tenant}/settings", "done")

    @post("/settings/categories", status_code=303)
    async def add_category(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Redirect | Template:
        signed_in(request)
        form = await form_of(request)
        body = {
            "code": form.get("code", ""),
            "name": {"uk": form.get("name_uk", ""), "en": form.get("name_en", "")},
            "description": form.get("description", ""),
        }
        path = f"/api/v1/{tenant}/appeals/categories"
        try:
            await api(request, gateway, "POST", path, json=body)
        except ApiError as error:
            return await self._settings_page(
                request, tenant, gateway, error.status,
                category_errors=error.field_errors or {"_": error.detail},
            )  # fmt: skip
        return back_to(f"/app/{tenant}/settings", "done")

    @get("/admin/cycles/new")
    async def new_cycle(self, request: Req, tenant: FromPath[str]) -> Template:
        signed_in(request)
        return render(
            request, "admin/cycle.html", date_fields=DATE_FIELDS, categories=range(MAX_CATEGORIES)
        )

    @post("/admin/cycles/new", status_code=303)
    async def create_cycle(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Redirect | Template:
        signed_in(request)
        form = await form_of(request)
        path = f"/api/v1/{tenant}/budget/cycles"
        try:
            cycle = await api(
                request, gateway, "POST", path, json=cycle_body(form), idempotent=True
            )
        except ApiError as error:
            return render(
                request, "admin/cycle.html", status_code=error.status, date_fields=DATE_FIELDS,
                categories=range(MAX_CATEGORIES), form=form, error=error,
                errors=error.field_errors,
            )  # fmt: skip
        return back_to(f"/app/{tenant}/budget/{cycle['id']}", "done")


class RegionPages(Controller):
    path = "/app/region"
    include_in_schema = False

    @get("/dashboard")
    async def dashboard(self, request: Req, gateway: NamedDependency[GatewayApi]) -> Template:
        signed_in(request)
        try:
            figures = await api(request, gateway, "GET", "/api/v1/platform/dashboard")
        except ApiError as error:
            return error_page(request, error)
        lang = lang_of(request)
        names = {c["slug"]: localized(lang, c.get("name")) for c in figures.get("tenants", [])}
        charts = []
        for service, figure, title_key in DASHBOARD_FIGURES:
            title = translate(lang, title_key)
            rows = dashboard_rows(figures, service, figure, names)
            chart = Markup(bar_chart(title, rows)) if rows else None  # noqa: S704 (escaped inside)
            charts.append((title, chart))
        return render(request, "admin/dashboard.html", figures=figures, charts=charts, council="")
