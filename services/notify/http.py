"""HTTP edge of notify: a citizen's own notices (what was sent, when, over which channel)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from chassis.auth import Principal
from services.notify.repository import DeliveryRepository


class DeliveryView(msgspec.Struct):
    id: str
    channel: str
    template: str
    status: str
    created_at: datetime
    subject_ref: dict[str, Any]


class DeliveryController(Controller):
    path = "/api/v1/{tenant:str}/notify"
    tags = ["notify"]

    @get("/me/deliveries", operation_id="list_my_deliveries")
    async def list_my_deliveries(
        self,
        tenant: str,
        principal: Principal,
        deliveries: DeliveryRepository,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        docs = await deliveries.list_for_citizen(tenant, principal.sub, limit)
        items = [
            DeliveryView(
                id=d["_id"],
                channel=d["channel"],
                template=d["template"],
                status=d["status"],
                created_at=d["created_at"],
                subject_ref=d.get("subject_ref", {}),
            )
            for d in docs
        ]
        return {"items": items, "next_cursor": None}
