"""HTTP edge of the petitions service for everyone: file, read, list and search, sign.
Parse, call one use case, map the result."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.idempotency import IdempotencyStore, StoredResponse, respond_once
from chassis.problems import invalid
from services.petitions.listing import PUBLIC_FILTERS, STAFF_FILTERS, ListRequest
from services.petitions.use_cases import PetitionUseCases
from services.petitions.views import list_item, petition_view


class PetitionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A citizen's petition; the author's name comes from the verified token."""

    title: str
    text: str


class PetitionController(Controller):
    path = "/api/v1/{tenant:str}/petitions"
    tags = ["petitions"]

    @post("/", operation_id="file_petition", status_code=201)
    async def file_petition(
        self,
        tenant: str,
        data: JSONBody[PetitionCreate],
        principal: Principal,
        petition_use_cases: PetitionUseCases,
        idempotency: IdempotencyStore,
        idempotency_key: Annotated[str | None, Parameter(header="Idempotency-Key")] = None,
    ) -> Response[Any]:
        """File a petition (acr substantial or high) -> `moderation`, due in 2 working days."""

        async def create() -> StoredResponse:
            petition = await petition_use_cases.file_petition(
                tenant, principal, data.title, data.text
            )
            view = petition_view(petition, datetime.now(UTC), privileged=True)
            return StoredResponse(201, msgspec.to_builtins(view))

        return await respond_once(idempotency, tenant, principal, idempotency_key, data, create)

    @get("/", operation_id="list_petitions")
    async def list_petitions(
        self,
        tenant: str,
        maybe_principal: Principal | None,
        petition_use_cases: PetitionUseCases,
        status: str = "collecting",
        sort: Literal["signatures", "newest", "ending_soon"] = "newest",
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Parameter(max_length=500)] = None,
    ) -> dict[str, Any]:
        """Anyone: `status` collecting | answered | all, `sort` signatures | newest |
        ending_soon, `q` text search; the council's staff may also filter by any status
        (e.g. `moderation`, with `moderation_overdue`). `{"items", "next_cursor"}`."""
        staff = maybe_principal is not None and maybe_principal.is_staff_of(tenant)
        filters = {**PUBLIC_FILTERS, **(STAFF_FILTERS if staff else {})}
        if status not in filters:
            raise invalid("status", f"must be one of: {', '.join(filters)}")
        request = ListRequest(filters[status], sort, q, cursor)
        page = await petition_use_cases.list_petitions(tenant, request, limit)
        now = datetime.now(UTC)
        return {
            "items": [list_item(doc, now, staff=staff) for doc in page.items],
            "next_cursor": page.next_cursor,
        }

    @get("/{petition_id:str}", operation_id="get_petition")
    async def get_petition(
        self,
        tenant: str,
        petition_id: str,
        maybe_principal: Principal | None,
        petition_use_cases: PetitionUseCases,
    ) -> dict[str, Any]:
        """A petition with `signature_count`, `threshold`, `deadline_at`, `status`."""
        petition = await petition_use_cases.get_petition(tenant, maybe_principal, petition_id)
        privileged = maybe_principal is not None and (
            maybe_principal.sub == petition.author_sub or maybe_principal.is_staff_of(tenant)
        )
        return petition_view(petition, datetime.now(UTC), privileged=privileged)

    @post("/{petition_id:str}/signatures", operation_id="sign_petition", status_code=201)
    async def sign_petition(
        self,
        tenant: str,
        petition_id: str,
        principal: Principal,
        petition_use_cases: PetitionUseCases,
    ) -> dict[str, Any]:
        """Sign once (acr substantial or high); again -> 409; not collecting -> 409."""
        signed_at = await petition_use_cases.sign(tenant, principal, petition_id)
        return {"petition_id": petition_id, "signed_at": signed_at}
