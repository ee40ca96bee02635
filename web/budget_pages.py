"""The participatory budget: cycles, projects (submit, support, vote within the rules), results
with a chart; officials review projects."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from markupsafe import Markup

from web.charts import bar_chart
from web.gateway_api import ApiError, GatewayApi
from web.pages import Req, api, back_to, error_page, form_of, render
from web.web_session import session_of, signed_in


class BudgetPages(Controller):
    path = "/app/{tenant:str}/budget"
    include_in_schema = False

    @get("/")
    async def list_cycles(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        try:
            page = await api(request, gateway, "GET", f"/api/v1/{tenant}/budget/cycles")
        except ApiError as error:
            return error_page(request, error)
        return render(request, "budget/list.html", cycles=page["items"])

    @get("/{cycle_id:str}")
    async def show_cycle(
        self,
        request: Req,
        tenant: FromPath[str],
        cycle_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template:
        return await self._cycle_page(request, tenant, cycle_id, gateway)

    async def _cycle_page(
        self,
        request: Req,
        tenant: str,
        cycle_id: str,
        gateway: GatewayApi,
        **extra: Any,
    ) -> Template:
        session = session_of(request)
        base = f"/api/v1/{tenant}/budget/cycles/{cycle_id}"
        try:
            cycle, projects = await asyncio.gather(
                api(request, gateway, "GET", base),
                api(request, gateway, "GET", f"{base}/projects"),
            )
            mine: list[str] = []
            if session.has_role("citizen"):
                mine = (await api(request, gateway, "GET", f"{base}/votes/mine"))["project_ids"]
        except ApiError as error:
            return error_page(request, error)
        return render(
            request, "budget/cycle.html", status_code=_status_of(extra), cycle=cycle,
            projects=projects["items"], mine=mine,
            staff=session.is_staff_of(tenant), citizen=session.has_role("citizen"), **extra,
        )  # fmt: skip

    @post("/{cycle_id:str}/projects", status_code=303)
    async def submit_project(
        self,
        request: Req,
        tenant: FromPath[str],
        cycle_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template | Redirect:
        signed_in(request)
        form = await form_of(request)
        body: dict[str, Any] = {
            "title": form.get("title", ""),
            "description": form.get("description", ""),
            "category": form.get("category", ""),
            "cost": int(form["cost"]) if form.get("cost", "").isdigit() else form.get("cost"),
        }
        path = f"/api/v1/{tenant}/budget/cycles/{cycle_id}/projects"
        try:
            await api(request, gateway, "POST", path, json=body, idempotent=True)
        except ApiError as error:
            return await self._cycle_page(
                request, tenant, cycle_id, gateway, error=error, errors=error.field_errors,
                form=form,
            )  # fmt: skip
        return back_to(f"/app/{tenant}/budget/{cycle_id}", "done")

    @post("/{cycle_id:str}/vote", status_code=303)
    async def vote(
        self,
        request: Req,
        tenant: FromPath[str],
        cycle_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template | Redirect:
        signed_in(request)
        form = await form_of(request)
        path = f"/api/v1/{tenant}/budget/cycles/{cycle_id}/votes"
        try:
            await api(request, gateway, "POST", path, json={"project_id": form.get("project_id")})
        except ApiError as error:
            return await self._cycle_page(request, tenant, cycle_id, gateway, error=error)
        return back_to(f"/app/{tenant}/budget/{cycle_id}", "budget.voted")

    @post("/{cycle_id:str}/projects/{project_id:str}/{action:str}", status_code=303)
    async def act_on_project(
        self,
        request: Req,
        tenant: FromPath[str],
        cycle_id: FromPath[str],
        project_id: FromPath[str],
        action: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template | Redirect:
        """`supports` (a resident) or `review` (an official)."""
        signed_in(request)
        form = await form_of(request)
        if action == "supports":
            body: dict[str, Any] = {}
        elif action == "review":
            body = {"eligible": form.get("eligible") == "yes", "reason": form.get("reason", "")}
        else:
            return back_to(f"/app/{tenant}/budget/{cycle_id}")
        path = f"/api/v1/{tenant}/budget/projects/{project_id}/{action}"
        try:
            await api(request, gateway, "POST", path, json=body)
        except ApiError as error:
            return await self._cycle_page(request, tenant, cycle_id, gateway, error=error)
        return back_to(f"/app/{tenant}/budget/{cycle_id}", "done")

    @get("/{cycle_id:str}/results")
    async def results(
        self,
        request: Req,
        tenant: FromPath[str],
        cycle_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template:
        path = f"/api/v1/{tenant}/budget/cycles/{cycle_id}/results"
        try:
            results = await api(request, gateway, "GET", path)
        except ApiError as error:
            return error_page(request, error)
        charts = [
            Markup(bar_chart(c["title"], [(p["title"], p["votes"]) for p in c["ranking"]]))  # noqa: S704
            for c in results["categories"]
        ]
        return render(request, "budget/results.html", results=results, charts=charts)


def _status_of(extra: dict[str, Any]) -> int:
    """A page shown again after a refusal answers with the refusal's status."""
    error = extra.get("error")
    return error.status if isinstance(error, ApiError) else 200
