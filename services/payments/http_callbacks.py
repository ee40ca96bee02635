"""Provider callbacks (server to server, no bearer token: the signature is the proof)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from chassis.problems import FieldError, Problem
from services.payments.provider_updates import ProviderUpdates


class PaymentCallbackController(Controller):
    path = "/api/v1/{tenant:str}/payments/callbacks"
    tags = ["payments"]

    @post("/liqpay", operation_id="liqpay_callback", status_code=200)
    async def liqpay_callback(
        self,
        tenant: str,
        data: Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)],
        provider_updates: ProviderUpdates,
    ) -> dict[str, Any]:
        """LiqPay's server callback: form fields `data` (base64 JSON) and `signature`. A bad
        signature is a 400 and a security event; a repeated callback changes nothing."""
        missing = [name for name in ("data", "signature") if not data.get(name)]
        if missing:
            raise Problem(
                400,
                "data and signature are required",
                errors=[FieldError(name, "required form field") for name in missing],
            )
        payment = await provider_updates.on_callback(tenant, data)
        return {"payment_id": payment.id, "status": payment.status}
