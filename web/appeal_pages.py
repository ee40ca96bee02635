"""Appeals: a resident's own list, filing, the timeline and attachments; an official's inbox
by deadline and the workflow actions."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from web.appeal_actions import BY_NAME, action_body, actions_for, by_deadline
from web.gateway_api import ApiError, GatewayApi
from web.pages import Req, api, back_to, error_page, form_of, render
from web.web_session import signed_in

KINDS = ("statement", "proposal", "complaint")
STATUSES = ("registered", "assigned", "reopened", "answered", "forwarded", "returned", "closed")


class AppealPages(Controller):
    path = "/app/{tenant:str}/appeals"
    include_in_schema = False

    @get("/")
    async def list_appeals(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template:
        session = signed_in(request)
        status = request.query_params.get("status", "")
        text = request.query_params.get("text", "").strip()
        params = {"limit": "100", **({"status": status} if status in STATUSES else {})}
        if text:
            params["text"] = text
        try:
            page = await api(request, gateway, "GET", f"/api/v1/{tenant}/appeals", params=params)
        except ApiError as error:
            return error_page(request, error)
        staff = session.is_staff_of(tenant)
        items = by_deadline(page["items"]) if staff else page["items"]
        return render(
            request, "appeals/list.html", items=items, staff=staff, statuses=STATUSES,
            status=status, text=text,
        )  # fmt: skip

    @get("/new")
    async def new_appeal(self, request: Req, tenant: FromPath[str]) -> Template:
        signed_in(request)
        return render(request, "appeals/new.html", kinds=KINDS, form={"kind": "statement"})

    @post("/new", status_code=303)
    async def file_appeal(
        self, request: Req, tenant: FromPath[str], gateway: NamedDependency[GatewayApi]
    ) -> Template | Redirect:
        signed_in(request)
        form = await form_of(request)
        body = {k: form.get(k, "") for k in ("kind", "subject", "text", "address")}
        for optional in ("email", "phone"):
            if form.get(optional):
                body[optional] = form[optional]
        try:
            created = await api(
                request, gateway, "POST", f"/api/v1/{tenant}/appeals", json=body, idempotent=True
            )
        except ApiError as error:
            return render(
                request, "appeals/new.html", status_code=error.status, kinds=KINDS,
                form=form, errors=error.field_errors or {"_": error.detail},
            )  # fmt: skip
        return back_to(f"/app/{tenant}/appeals/{created['id']}", "appeals.filed")

    @get("/{appeal_id:str}")
    async def show_appeal(
        self,
        request: Req,
        tenant: FromPath[str],
        appeal_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Template:
        session = signed_in(request)
        try:
            base = f"/api/v1/{tenant}/appeals/{appeal_id}"
            appeal = await api(request, gateway, "GET", base)
        except ApiError as error:
            return error_page(request, error)
        staff = session.is_staff_of(tenant)
        try:
            files = (await api(request, gateway, "GET", f"{base}/attachments"))["items"]
        except ApiError:
            files = []  # the appeal itself answered: show it without its files
        return render(
            request,
            "appeals/show.html",
            appeal=appeal,
            staff=staff,
            actions=actions_for(appeal["status"]) if staff else [],
            files=files,
        )

    @post("/{appeal_id:str}/attachments", status_code=303)
    async def attach_file(
        self,
        request: Req,
        tenant: FromPath[str],
        appeal_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect | Template:
        signed_in(request)
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return back_to(f"/app/{tenant}/appeals/{appeal_id}")
        content = await upload.read()
        files = {"file": (upload.filename, content, upload.content_type)}
        try:
            stored = await api(
                request, gateway, "POST", f"/api/v1/{tenant}/appeals/{appeal_id}/attachments",
                files=files,
            )  # fmt: skip
        except ApiError as error:
            return error_page(request, error)
        return Redirect(
            f"/app/{tenant}/appeals/{appeal_id}?notice=appeals.attached&file={stored['id']}",
            status_code=303,
        )

    @get("/{appeal_id:str}/attachments/{attachment_id:str}")
    async def open_attachment(
        self,
        request: Req,
        tenant: FromPath[str],
        appeal_id: FromPath[str],
        attachment_id: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect | Template:
        signed_in(request)
        path = f"/api/v1/{tenant}/appeals/{appeal_id}/attachments/{attachment_id}"
        try:
            link = await api(request, gateway, "GET", path)
        except ApiError as error:
            return error_page(request, error)
        return Redirect(link["url"], status_code=303)

    @post("/{appeal_id:str}/act/{action:str}", status_code=303)
    async def act(
        self,
        request: Req,
        tenant: FromPath[str],
        appeal_id: FromPath[str],
        action: FromPath[str],
        gateway: NamedDependency[GatewayApi],
    ) -> Redirect | Template:
        signed_in(request)
        chosen = BY_NAME.get(action)
        if chosen is None:
            return back_to(f"/app/{tenant}/appeals/{appeal_id}")
        body = action_body(chosen, await form_of(request))
        path = f"/api/v1/{tenant}/appeals/{appeal_id}/{action}"
        try:
            await api(request, gateway, "POST", path, json=body)
        except ApiError as error:
            appeal = await api(request, gateway, "GET", f"/api/v1/{tenant}/appeals/{appeal_id}")
            return render(
                request, "appeals/show.html", status_code=error.status, appeal=appeal, staff=True,
                actions=actions_for(appeal["status"]), failed=action, error=error,
                errors=error.field_errors, files=[],
            )  # fmt: skip
        return back_to(f"/app/{tenant}/appeals/{appeal_id}", "done")
