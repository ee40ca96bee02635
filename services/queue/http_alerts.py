"""HTTP: air-raid alerts, declared by the council's staff or by the alert integration's webhook
(authenticated by the council's key, `X-Alert-Key`), and the administrator's key rotation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, post
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.guards import require_staff_of, require_tenant_admin_of
from chassis.problems import Problem
from services.queue.alerts import AlertRepository, AlertUseCases
from services.queue.domain.errors import invalid


class AlertCreate(msgspec.Struct, forbid_unknown_fields=True):
    starts_at: datetime
    ends_at: datetime
    reason: Annotated[str, msgspec.Meta(max_length=300)] = "Повітряна тривога / Air-raid alert"


class WebhookAlert(AlertCreate, forbid_unknown_fields=True):
    office_id: str = ""


def _aware(data: AlertCreate) -> None:
    for name in ("starts_at", "ends_at"):
        if getattr(data, name).tzinfo is None:
            raise invalid(name, "needs a time zone offset")


class AlertController(Controller):
    path = "/api/v1/{tenant:str}/queue"
    tags = ["queue alerts"]

    @post("/offices/{office_id:str}/alerts", operation_id="declare_queue_alert", status_code=201)
    async def declare(
        self,
        tenant: str,
        office_id: str,
        data: JSONBody[AlertCreate],
        principal: Principal,
        alert_use_cases: AlertUseCases,
    ) -> dict[str, Any]:
        """Close the office for the range: its bookings move to the first free slots after
        it, or are cancelled; `{"moved": [...], "cancelled": [...]}`."""
        require_staff_of(principal, tenant)
        _aware(data)
        return await alert_use_cases.declare(
            tenant, office_id, data.starts_at, data.ends_at, data.reason, principal.sub
        )

    @post("/alerts/webhook", operation_id="queue_alert_webhook", status_code=201)
    async def webhook(
        self,
        tenant: str,
        data: JSONBody[WebhookAlert],
        alert_use_cases: AlertUseCases,
        alert_key: Annotated[str | None, Parameter(header="X-Alert-Key")] = None,
    ) -> dict[str, Any]:
        """The alert integration: the council's key in `X-Alert-Key`; one office."""
        if not await alert_use_cases.alerts.webhook_key_matches(tenant, alert_key):
            raise Problem(401, "A valid X-Alert-Key is required.")
        _aware(data)
        if not data.office_id:
            raise invalid("office_id", "required")
        return await alert_use_cases.declare(
            tenant, data.office_id, data.starts_at, data.ends_at, data.reason, "webhook"
        )

    @post("/alerts/webhook-key", operation_id="rotate_queue_alert_key", status_code=201)
    async def rotate_key(
        self, tenant: str, principal: Principal, alert_repository: AlertRepository
    ) -> dict[str, str]:
        """A new webhook key for the council (shown once; the old one stops working)."""
        require_tenant_admin_of(principal, tenant)
        return {"key": await alert_repository.set_webhook_key(tenant)}
