"""HTTP edge for the council's officials: refunds and the daily reconciliation report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.guards import require_staff_of
from chassis.problems import Problem
from services.payments.provider import ProviderUnavailable
from services.payments.reconciliation import Reconciliation
from services.payments.use_cases import PaymentUseCases
from services.payments.views import to_view


class RefundCreate(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class PaymentStaffController(Controller):
    path = "/api/v1/{tenant:str}/payments"
    tags = ["payments"]

    @post("/{payment_id:str}/refund", operation_id="refund_payment", status_code=200)
    async def refund_payment(
        self,
        tenant: str,
        payment_id: str,
        data: JSONBody[RefundCreate],
        principal: Principal,
        payment_use_cases: PaymentUseCases,
    ) -> Any:
        """An official of the council returns the whole amount of a paid payment."""
        payment = await payment_use_cases.refund_payment(tenant, principal, payment_id, data.reason)
        return to_view(payment)

    @get("/reconciliation", operation_id="reconciliation_report")
    async def reconciliation_report(
        self,
        tenant: str,
        principal: Principal,
        reconciliation: Reconciliation,
        day: Annotated[date, Parameter(query="date")],
    ) -> dict[str, Any]:
        """The day's report (Kyiv time) per budget code: our successes against the provider's
        statement, with every mismatch."""
        require_staff_of(principal, tenant)
        try:
            return await reconciliation.daily_report(tenant, day)
        except ProviderUnavailable as exc:
            raise Problem(
                503, "Виписка провайдера недоступна / The statement is unavailable."
            ) from exc
