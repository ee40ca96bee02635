"""HTTP edge of the appeals service: parse, call one use case, map the result."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.idempotency import IdempotencyStore, StoredResponse
from chassis.problems import Problem
from services.appeals.domain import Appeal, AppealDraft, AppealRejected
from services.appeals.use_cases import AppealUseCases


class AppealCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A citizen's appeal. The author's name comes from the verified token."""

    kind: Literal["proposal", "statement", "complaint"]
    subject: str
    text: str
    address: str
    email: str


class AppealView(msgspec.Struct):
    id: str
    number: str
    kind: str
    status: str
    subject: str
    text: str
    address: str
    received_at: datetime
    due_at: datetime
    history: list[dict[str, Any]]


def to_view(appeal: Appeal) -> AppealView:
    return AppealView(
        id=appeal.id,
        number=appeal.number,
        kind=appeal.kind,
        status=appeal.status,
        subject=appeal.subject,
        text=appeal.text,
        address=appeal.address,
        received_at=appeal.received_at,
        due_at=appeal.due_at,
        history=appeal.history,
    )


class AppealController(Controller):
    path = "/api/v1/{tenant:str}/appeals"
    tags = ["appeals"]

    @post("/", operation_id="submit_appeal", status_code=201)
    async def submit_appeal(
        self,
        tenant: str,
        data: JSONBody[AppealCreate],
        principal: Principal,
        appeal_use_cases: AppealUseCases,
        idempotency: IdempotencyStore,
        idempotency_key: Annotated[str | None, Parameter(header="Idempotency-Key")] = None,
    ) -> Response[Any]:
        """File an appeal (Law on Citizens' Appeals, Art. 5); due in one month (Art. 20)."""
        draft = AppealDraft(**msgspec.structs.asdict(data), name=principal.name)

        async def create() -> StoredResponse:
            try:
                appeal = await appeal_use_cases.submit_appeal(tenant, principal, draft)
            except AppealRejected as rejected:
                raise Problem(422, str(rejected), errors=rejected.errors) from rejected
            return StoredResponse(201, msgspec.to_builtins(to_view(appeal)))

        response, replayed = await idempotency.run(
            tenant=tenant,
            caller=principal.sub,
            key=idempotency_key,
            payload=msgspec.structs.asdict(data),
            create=create,
        )
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return Response(response.body, status_code=response.status, headers=headers)

    @get("/{appeal_id:str}", operation_id="get_appeal")
    async def get_appeal(
        self, tenant: str, appeal_id: str, principal: Principal, appeal_use_cases: AppealUseCases
    ) -> AppealView:
        """An appeal, for its author or the council's staff."""
        return to_view(await appeal_use_cases.get_appeal(tenant, principal, appeal_id))
