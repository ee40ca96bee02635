"""HTTP edge of projects: propose, list, read, support, review, implementation, images."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, Parameter
from litestar.response import Stream

from chassis.auth import Principal
from chassis.idempotency import IdempotencyStore, StoredResponse, respond_once
from chassis.problems import Problem
from services.budget.domain.project import ProjectDraft
from services.budget.file_types import IMAGES
from services.budget.files import FileStore, public_file
from services.budget.project_use_cases import ProjectUseCases
from services.budget.views import project_view

MAX_UPLOAD = 16 * 1024 * 1024  # the store's own limit (settings) is checked on the bytes


class ProjectCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    description: str
    category: str
    cost: int
    location: str | None = None
    email: str | None = None


class ReviewCreate(msgspec.Struct, forbid_unknown_fields=True):
    eligible: bool
    reason: str
    cost: int | None = None


class ImplementationCreate(msgspec.Struct, forbid_unknown_fields=True):
    status: str
    progress: int
    note: str = ""


class ProjectFileForm(msgspec.Struct):
    """The multipart form of a project file. A struct, not a bare `UploadFile` parameter: with
    the bare one, a form without a file part made Litestar fail with a 500 (found by fuzzing);
    this way it is a 4xx naming `data`."""

    data: UploadFile


class CycleProjectController(Controller):
    path = "/api/v1/{tenant:str}/budget/cycles/{cycle_id:str}/projects"
    tags = ["budget"]

    @post("/", operation_id="submit_budget_project", status_code=201)
    async def submit_project(
        self,
        tenant: str,
        cycle_id: str,
        data: JSONBody[ProjectCreate],
        principal: Principal,
        project_use_cases: ProjectUseCases,
        idempotency: IdempotencyStore,
        idempotency_key: Annotated[str | None, Parameter(header="Idempotency-Key")] = None,
    ) -> Response[Any]:
        """Propose a project in the submission phase (a resident with BankID or better).
        With an `Idempotency-Key`, a retry replays the first answer instead of a second project."""
        draft = ProjectDraft(data.title, data.description, data.category, data.cost, data.location)

        async def create() -> StoredResponse:
            doc = await project_use_cases.submit_project(
                tenant, principal, cycle_id, draft, data.email
            )
            return StoredResponse(201, msgspec.to_builtins(project_view(doc)))

        return await respond_once(idempotency, tenant, principal, idempotency_key, data, create)

    @get("/", operation_id="list_budget_projects")
    async def list_projects(
        self, tenant: str, cycle_id: str, project_use_cases: ProjectUseCases
    ) -> dict[str, Any]:
        """The cycle's projects in the order submitted, with their supports (public)."""
        await project_use_cases.cycles.get_cycle(tenant, cycle_id)
        supports = await project_use_cases.supports.counts(tenant, cycle_id)
        docs = await project_use_cases.projects.of_cycle(tenant, cycle_id)
        items = [project_view(d, supports.get(d["_id"], 0)) for d in docs]
        return {"items": items, "next_cursor": None}


class ProjectController(Controller):
    path = "/api/v1/{tenant:str}/budget/projects/{project_id:str}"
    tags = ["budget"]

    @get("/", operation_id="get_budget_project")
    async def get_project(
        self, tenant: str, project_id: str, project_use_cases: ProjectUseCases
    ) -> dict[str, Any]:
        doc = await project_use_cases.load(tenant, project_id)
        supports = await project_use_cases.supports.count_of(tenant, doc["cycle_id"], project_id)
        return project_view(doc, supports)

    @post("/supports", operation_id="support_budget_project", status_code=201)
    async def support(
        self,
        tenant: str,
        project_id: str,
        principal: Principal,
        project_use_cases: ProjectUseCases,
    ) -> dict[str, Any]:
        """Support a project in the support phase, once per person."""
        count = await project_use_cases.support_project(tenant, principal, project_id)
        return {"project_id": project_id, "supports": count}

    @post("/review", operation_id="review_budget_project", status_code=200)
    async def review(
        self,
        tenant: str,
        project_id: str,
        data: JSONBody[ReviewCreate],
        principal: Principal,
        project_use_cases: ProjectUseCases,
    ) -> dict[str, Any]:
        """The council's expert review (an official): only eligible projects reach the ballot."""
        doc = await project_use_cases.review_project(
            tenant, principal, project_id, data.eligible, data.reason, data.cost
        )
        return project_view(doc)

    @post("/implementation", operation_id="update_budget_implementation", status_code=200)
    async def implementation(
        self,
        tenant: str,
        project_id: str,
        data: JSONBody[ImplementationCreate],
        principal: Principal,
        project_use_cases: ProjectUseCases,
    ) -> dict[str, Any]:
        """Progress on a funded project (an official); public on the project."""
        doc = await project_use_cases.update_implementation(
            tenant, principal, project_id, data.status, data.progress, data.note
        )
        return project_view(doc)

    @post(
        "/files",
        operation_id="add_budget_project_file",
        status_code=201,
        request_max_body_size=MAX_UPLOAD,
    )
    async def add_file(
        self,
        tenant: str,
        project_id: str,
        principal: Principal,
        project_use_cases: ProjectUseCases,
        budget_files: FileStore,
        data: Annotated[ProjectFileForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        """A JPEG or PNG (typed by its bytes), multipart field `data`: the author's image of
        the proposal while submissions are open, or the staff's photo of the works."""
        project = await project_use_cases.may_add_file(tenant, principal, project_id)
        record = await budget_files.receive(tenant, "projects", project_id, data.data, IMAGES)
        await project_use_cases.add_file(tenant, principal, project, record)
        return public_file(record)

    @get("/files/{file_id:str}", operation_id="get_budget_project_file", response_model=None)
    async def get_file(
        self,
        tenant: str,
        project_id: str,
        file_id: str,
        project_use_cases: ProjectUseCases,
        budget_files: FileStore,
    ) -> Stream:
        """An image or photo of the project (public)."""
        doc = await project_use_cases.load(tenant, project_id)
        files = [*(doc.get("images") or []), *(doc.get("photos") or [])]
        record = next((f for f in files if f["id"] == file_id), None)
        if record is None:
            raise Problem(404, "No such file.")
        return Stream(await budget_files.open(record["key"]), media_type=record["content_type"])
