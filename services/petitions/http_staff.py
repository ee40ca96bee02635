"""HTTP edge for the council's staff: moderate (publish, reject), respond, and export the
signers for verification. Staff of another council are refused (403)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import JSONBody

from chassis.auth import Principal
from chassis.guards import require_staff_of
from chassis.problems import Problem
from services.petitions.csv_export import to_csv
from services.petitions.signatures import SignatureRepository
from services.petitions.use_cases import NOT_FOUND, PetitionUseCases
from services.petitions.views import petition_view

# Litestar adds "; charset=utf-8" to text/* itself (naming it here doubled it), and the
# route names the type so its OpenAPI answer says CSV, not JSON.
CSV = "text/csv"

SIGNER_COLUMNS = ("signed_at", "name", "sub", "residence", "acr")


class RejectBody(msgspec.Struct, forbid_unknown_fields=True):
    reason: str


class ResponseBody(msgspec.Struct, forbid_unknown_fields=True):
    decision: Literal["supported", "rejected"]
    text: str


class StaffPetitionController(Controller):
    path = "/api/v1/{tenant:str}/petitions/{petition_id:str}"
    tags = ["petitions: staff"]

    @post("/publish", operation_id="publish_petition", status_code=200)
    async def publish(
        self,
        tenant: str,
        petition_id: str,
        principal: Principal,
        petition_use_cases: PetitionUseCases,
    ) -> dict[str, Any]:
        """moderation -> collecting; threshold and deadline fixed now."""
        petition = await petition_use_cases.publish(tenant, principal, petition_id)
        return petition_view(petition, datetime.now(UTC), privileged=True)

    @post("/reject", operation_id="reject_petition", status_code=200)
    async def reject(
        self,
        tenant: str,
        petition_id: str,
        data: JSONBody[RejectBody],
        principal: Principal,
        petition_use_cases: PetitionUseCases,
    ) -> dict[str, Any]:
        """moderation -> rejected, with the reason (Art. 23-1: within 2 working days)."""
        petition = await petition_use_cases.reject(tenant, principal, petition_id, data.reason)
        return petition_view(petition, datetime.now(UTC), privileged=True)

    @post("/response", operation_id="respond_to_petition", status_code=200)
    async def respond(
        self,
        tenant: str,
        petition_id: str,
        data: JSONBody[ResponseBody],
        principal: Principal,
        petition_use_cases: PetitionUseCases,
    ) -> dict[str, Any]:
        """under_consideration -> answered (Art. 23-1: within 10 working days)."""
        petition = await petition_use_cases.respond(
            tenant, principal, petition_id, data.decision, data.text
        )
        return petition_view(petition, datetime.now(UTC), privileged=True)

    @get("/signatures.csv", operation_id="export_petition_signers", media_type=CSV)
    async def export_signers(
        self,
        tenant: str,
        petition_id: str,
        principal: Principal,
        petition_use_cases: PetitionUseCases,
        signatures: SignatureRepository,
    ) -> Response[str]:
        """The signers, for the council's verification only (never public)."""
        require_staff_of(principal, tenant)
        petition = await petition_use_cases.petitions.get(tenant, petition_id)
        if petition is None:
            raise Problem(404, NOT_FOUND)
        rows = [row async for row in signatures.signers(tenant, petition_id)]
        return Response(
            to_csv(rows, SIGNER_COLUMNS),
            media_type=CSV,
            headers={
                "Content-Disposition": f'attachment; filename="petition-{petition_id}-signers.csv"',
                "Cache-Control": "no-store",
            },
        )
