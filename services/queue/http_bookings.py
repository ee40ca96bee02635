"""HTTP: a citizen books a visit, sees and cancels their bookings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.guards import require_citizen
from chassis.idempotency import IdempotencyStore, StoredResponse, respond_once
from services.queue.booking_use_cases import BookingUseCases
from services.queue.domain.errors import invalid
from services.queue.views import booking_view


class BookingCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A slot from `GET .../offices/{id}/slots`; the name comes from the token."""

    office_id: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    service_code: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    start: datetime
    email: Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class BookingController(Controller):
    path = "/api/v1/{tenant:str}/queue/bookings"
    tags = ["queue bookings"]

    @post("/", operation_id="create_queue_booking", status_code=201)
    async def create_booking(
        self,
        tenant: str,
        data: JSONBody[BookingCreate],
        principal: Principal,
        booking_use_cases: BookingUseCases,
        idempotency: IdempotencyStore,
        idempotency_key: Annotated[str | None, Parameter(header="Idempotency-Key")] = None,
    ) -> Response[Any]:
        """Book a slot: free service -> `booked`; paid -> `awaiting_payment` with a hold while
        payments takes the fee. 409 when the slot is full or the monthly limit is reached."""
        require_citizen(principal)
        if data.start.tzinfo is None:
            raise invalid("start", "needs a time zone offset, e.g. 2026-03-11T10:15:00+02:00")
        start = data.start.astimezone(UTC)

        async def create() -> StoredResponse:
            booking = await booking_use_cases.book(
                tenant, principal, data.office_id, data.service_code, start, data.email
            )
            return StoredResponse(201, msgspec.to_builtins(booking_view(booking)))

        return await respond_once(idempotency, tenant, principal, idempotency_key, data, create)

    @get("/", operation_id="list_my_queue_bookings")
    async def list_bookings(
        self,
        tenant: str,
        principal: Principal,
        booking_use_cases: BookingUseCases,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 50,
    ) -> dict[str, Any]:
        """The caller's own bookings, latest visit first."""
        found = await booking_use_cases.mine(tenant, principal, limit)
        return {"items": [booking_view(b) for b in found], "next_cursor": None}

    @get("/{booking_id:str}", operation_id="get_queue_booking")
    async def get_booking(
        self, tenant: str, booking_id: str, principal: Principal, booking_use_cases: BookingUseCases
    ) -> dict[str, Any]:
        """The booking, for its citizen or the council's staff (404 for anyone else)."""
        return booking_view(await booking_use_cases.get(tenant, principal, booking_id))

    @post("/{booking_id:str}/cancel", operation_id="cancel_queue_booking", status_code=200)
    async def cancel_booking(
        self, tenant: str, booking_id: str, principal: Principal, booking_use_cases: BookingUseCases
    ) -> dict[str, Any]:
        """The citizen until N hours before the visit (default 2), the staff any time; the
        slot is freed at once."""
        return booking_view(await booking_use_cases.cancel(tenant, principal, booking_id))
