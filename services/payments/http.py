"""HTTP edge of payments for citizens: create (Idempotency-Key required), list, read, cancel,
download the receipt, look up a fine. Parse, call one use case, map the result."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.idempotency import StoredResponse, respond_once
from chassis.problems import Problem, invalid
from services.payments.domain import PAID_STATUSES
from services.payments.idempotent_create import WaitingIdempotency
from services.payments.receipts import render_receipt
from services.payments.use_cases import PaymentRequest, PaymentUseCases
from services.payments.views import to_view


class PaymentCreate(msgspec.Struct, forbid_unknown_fields=True):
    """What to pay. The amount is checked against the council's fee, never taken from here."""

    purpose: Literal["service", "fine"]
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    amount: Annotated[int, msgspec.Meta(gt=0)] | None = None
    currency: Literal["UAH"] = "UAH"
    email: Annotated[str, msgspec.Meta(max_length=200)] | None = None


class PaymentController(Controller):
    path = "/api/v1/{tenant:str}/payments"
    tags = ["payments"]

    @post("/", operation_id="create_payment", status_code=201)
    async def create_payment(
        self,
        tenant: str,
        data: JSONBody[PaymentCreate],
        principal: Principal,
        payment_use_cases: PaymentUseCases,
        payment_idempotency: WaitingIdempotency,
        # Required (documented so); a request without it is answered 400 naming the header.
        idempotency_key: Annotated[
            str | None, Parameter(header="Idempotency-Key", required=True)
        ] = None,
    ) -> Response[Any]:
        """A payment intent: 201 {id, status: "created", checkout_url}. The same key and body
        replay the first answer; the same key with another body is a 422."""
        request = PaymentRequest(
            data.purpose, data.reference, data.amount, data.currency, data.email
        )

        async def create() -> StoredResponse:
            payment = await payment_use_cases.create_payment(tenant, principal, request)
            return StoredResponse(201, msgspec.to_builtins(to_view(payment)))

        return await respond_once(
            payment_idempotency, tenant, principal, idempotency_key, data, create
        )

    @get("/", operation_id="list_payments")
    async def list_payments(
        self,
        tenant: str,
        principal: Principal,
        payment_use_cases: PaymentUseCases,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        cursor: Annotated[str | None, Parameter(max_length=64)] = None,
    ) -> dict[str, Any]:
        """A citizen's own payments, or all of the council's for its staff; newest first.
        The cursor is the creation time of the last item seen."""
        try:
            before = datetime.fromisoformat(cursor) if cursor else None
        except ValueError as exc:
            # A schema-valid string that is not ours: a 422 naming the field, like any bad value.
            raise invalid("cursor", "not a cursor from this list") from exc
        items = await payment_use_cases.list_payments(tenant, principal, limit + 1, before)
        page = items[:limit]
        next_cursor = page[-1].created_at.isoformat() if len(items) > limit else None
        return {"items": [to_view(p) for p in page], "next_cursor": next_cursor}

    @get("/{payment_id:str}", operation_id="get_payment")
    async def get_payment(
        self, tenant: str, payment_id: str, principal: Principal, payment_use_cases: PaymentUseCases
    ) -> Any:
        """A payment with its history, for its payer or the council's staff."""
        return to_view(await payment_use_cases.get_payment(tenant, principal, payment_id))

    @post("/{payment_id:str}/cancel", operation_id="cancel_payment", status_code=200)
    async def cancel_payment(
        self, tenant: str, payment_id: str, principal: Principal, payment_use_cases: PaymentUseCases
    ) -> Any:
        """The payer (or staff) gives up a payment not yet made: created/started -> cancelled."""
        return to_view(await payment_use_cases.cancel_payment(tenant, principal, payment_id))

    @get("/{payment_id:str}/receipt", operation_id="download_receipt")
    async def download_receipt(
        self, tenant: str, payment_id: str, principal: Principal, payment_use_cases: PaymentUseCases
    ) -> Response[str]:
        """The receipt (text/plain) of a paid payment, for its payer or the council's staff."""
        payment = await payment_use_cases.get_payment(tenant, principal, payment_id)
        if payment.status not in PAID_STATUSES:
            raise Problem(
                409,
                f"Платіж у стані «{payment.status}», квитанції ще немає / "
                f"The payment is '{payment.status}'; there is no receipt yet.",
            )
        return Response(
            render_receipt(payment),
            media_type="text/plain; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="receipt-{payment.id}.txt"'},
        )

    @get("/fines/{resolution_number:str}", operation_id="find_fine")
    async def find_fine(
        self,
        tenant: str,
        resolution_number: str,
        principal: Principal,
        payment_use_cases: PaymentUseCases,
    ) -> dict[str, Any]:
        """A fine from the register by its resolution number, to show before paying it."""
        fine = await payment_use_cases.fines.find(tenant, resolution_number)
        if fine is None:
            raise Problem(404, "Штраф не знайдено / No fine with this resolution number.")
        return {
            "resolution_number": fine.resolution_number,
            "amount": fine.amount,
            "currency": "UAH",
            "offence": fine.offence,
            "requisites": msgspec.to_builtins(fine.requisites),
        }
