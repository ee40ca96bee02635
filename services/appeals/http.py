"""HTTP edge of the appeals service for everyone: file, list, read and rate appeals, and the
staff's view of an appeal's audit trail. Parse, call one use case, map the result."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.idempotency import IdempotencyStore, StoredResponse, respond_once
from chassis.problems import Problem
from services.appeals.domain import AppealDraft, AppealRejected
from services.appeals.listing import ListFilters
from services.appeals.use_cases import AppealUseCases
from services.appeals.views import AuditEntryView, to_list_item, to_view


class Location(msgspec.Struct, forbid_unknown_fields=True):
    lat: float
    lon: float


class AppealCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A citizen's appeal. The author's name comes from the verified token; an email or a
    phone is required; a complaint may carry the dates of Art. 17."""

    kind: Literal["proposal", "statement", "complaint"]
    subject: str
    text: str
    address: str
    email: str | None = None
    phone: str | None = None
    category: str | None = None
    location: Location | None = None
    decision_date: date | None = None
    learned_date: date | None = None


class RatingCreate(msgspec.Struct, forbid_unknown_fields=True):
    score: int
    comment: str | None = None


def draft_of(data: AppealCreate, name: str) -> AppealDraft:
    return AppealDraft(
        kind=data.kind,
        subject=data.subject,
        text=data.text,
        address=data.address,
        name=name,
        email=data.email or "",
        phone=data.phone or "",
        category=data.category,
        location=(data.location.lat, data.location.lon) if data.location else None,
        decision_date=data.decision_date,
        learned_date=data.learned_date,
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
        draft = draft_of(data, principal.name)

        async def create() -> StoredResponse:
            try:
                appeal = await appeal_use_cases.submit_appeal(tenant, principal, draft)
            except AppealRejected as rejected:
                raise Problem(422, str(rejected), errors=rejected.errors) from rejected
            return StoredResponse(201, msgspec.to_builtins(to_view(appeal, show_names=False)))

        return await respond_once(idempotency, tenant, principal, idempotency_key, data, create)

    @get("/", operation_id="list_appeals")
    async def list_appeals(
        self,
        tenant: str,
        principal: Principal,
        appeal_use_cases: AppealUseCases,
        status: str | None = None,
        department: str | None = None,
        assignee: str | None = None,
        overdue: bool | None = None,
        priority: bool | None = None,
        text: Annotated[str | None, Parameter(max_length=200)] = None,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Parameter(max_length=500)] = None,
    ) -> dict[str, Any]:
        """Staff: the council's appeals with filters, priority first, then by due date.
        A citizen: only their own. Cursor pagination: `{"items", "next_cursor"}`."""
        filters = ListFilters(status, department, assignee, overdue, priority, text)
        page = await appeal_use_cases.list_appeals(tenant, principal, filters, limit, cursor)
        staff = principal.is_staff_of(tenant)
        now = datetime.now(UTC)
        return {
            "items": [to_list_item(doc, now, show_names=staff) for doc in page.items],
            "next_cursor": page.next_cursor,
        }

    @get("/{appeal_id:str}", operation_id="get_appeal")
    async def get_appeal(
        self, tenant: str, appeal_id: str, principal: Principal, appeal_use_cases: AppealUseCases
    ) -> Any:
        """An appeal with its timeline, for its author or the council's staff."""
        appeal = await appeal_use_cases.get_appeal(tenant, principal, appeal_id)
        policy = await appeal_use_cases.policy(tenant)
        show = principal.is_staff_of(tenant) or policy.show_official_names
        return to_view(appeal, show_names=show)

    @post("/{appeal_id:str}/rating", operation_id="rate_appeal", status_code=200)
    async def rate_appeal(
        self,
        tenant: str,
        appeal_id: str,
        data: JSONBody[RatingCreate],
        principal: Principal,
        appeal_use_cases: AppealUseCases,
    ) -> Any:
        """The author rates the answer 1-5, once, after it was given."""
        appeal = await appeal_use_cases.rate_appeal(
            tenant, principal, appeal_id, data.score, data.comment
        )
        return to_view(appeal, show_names=False)

    @get("/{appeal_id:str}/audit", operation_id="get_appeal_audit")
    async def get_audit(
        self, tenant: str, appeal_id: str, principal: Principal, appeal_use_cases: AppealUseCases
    ) -> dict[str, Any]:
        """The appeal's audit trail (staff of the council)."""
        appeal = await appeal_use_cases.audit_trail(tenant, principal, appeal_id)
        return {"items": [msgspec.convert(e, AuditEntryView) for e in appeal.audit]}

    @get("/{appeal_id:str}/audit/verify", operation_id="verify_appeal_audit")
    async def verify_audit(
        self, tenant: str, appeal_id: str, principal: Principal, appeal_use_cases: AppealUseCases
    ) -> dict[str, Any]:
        """Recompute the hash chain; name the first broken link if any."""
        broken = await appeal_use_cases.verify_audit(tenant, principal, appeal_id)
        return {"valid": broken is None, "first_broken_seq": broken}
