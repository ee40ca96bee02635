"""Provider callbacks (server to server, no bearer token: the signature is the proof)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.params import Body

from chassis.problems import FieldError, Problem, problem_response
from services.payments.provider_updates import ProviderUpdates

REQUIRED = ("data", "signature")


class LiqPayCallback(msgspec.Struct):
    """The two form fields LiqPay posts (declared, so the API document says they are needed)."""

    data: Annotated[str, msgspec.Meta(min_length=1)]
    signature: Annotated[str, msgspec.Meta(min_length=1)]


def _missing_fields(request: Request[Any, Any, Any], _: ValidationException) -> Response[Any]:
    """The provider protocol's answer to an incomplete callback: 400 naming the fields."""
    return problem_response(
        Problem(
            400,
            "data and signature are required",
            errors=[FieldError(name, "required form field") for name in REQUIRED],
        ),
        request.url.path,
    )


class PaymentCallbackController(Controller):
    path = "/api/v1/{tenant:str}/payments/callbacks"
    tags = ["payments"]
    exception_handlers = {ValidationException: _missing_fields}

    @post("/liqpay", operation_id="liqpay_callback", status_code=200)
    async def liqpay_callback(
        self,
        tenant: str,
        data: Annotated[LiqPayCallback, Body(media_type=RequestEncodingType.URL_ENCODED)],
        provider_updates: ProviderUpdates,
    ) -> dict[str, Any]:
        """LiqPay's server callback: form fields `data` (base64 JSON) and `signature`. A bad
        signature is a 400 and a security event; a repeated callback changes nothing."""
        form = {"data": data.data, "signature": data.signature}
        missing = [name for name in REQUIRED if not form[name]]
        if missing:
            raise Problem(
                400,
                "data and signature are required",
                errors=[FieldError(name, "required form field") for name in missing],
            )
        payment = await provider_updates.on_callback(tenant, form)
        return {"payment_id": payment.id, "status": payment.status}
