"""HTTP edge of eligibility proofs: a resident uploads one, an official decides."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody
from litestar.response import Stream

from chassis.auth import Principal
from chassis.guards import require_citizen
from services.budget.file_types import DOCUMENTS
from services.budget.files import FileStore, public_file
from services.budget.proofs import ProofUseCases, require_kind

MAX_UPLOAD = 16 * 1024 * 1024


class ProofUpload(msgspec.Struct):
    kind: str
    file: UploadFile


class Decision(msgspec.Struct, forbid_unknown_fields=True):
    approve: bool
    reason: str = ""


def proof_view(doc: dict[str, Any]) -> dict[str, Any]:
    decision = doc.get("decision")
    return {
        "id": doc["_id"],
        "kind": doc["kind"],
        "status": doc["status"],
        "citizen_name": doc.get("citizen_name"),
        "submitted_at": doc["submitted_at"],
        "file": public_file(doc["file"]),
        "decision": {k: decision[k] for k in ("at", "reason")} if decision else None,
    }


class ProofController(Controller):
    path = "/api/v1/{tenant:str}/budget/eligibility-proofs"
    tags = ["budget"]

    @post(
        "/",
        operation_id="submit_budget_eligibility_proof",
        status_code=201,
        request_max_body_size=MAX_UPLOAD,
    )
    async def submit(
        self,
        tenant: str,
        principal: Principal,
        proof_use_cases: ProofUseCases,
        budget_files: FileStore,
        data: Annotated[ProofUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> dict[str, Any]:
        """Multipart `kind` (work, study, service, idp) and `file` (PDF, JPEG or PNG)."""
        require_citizen(principal)  # before any byte is stored
        require_kind(data.kind)
        record = await budget_files.receive(tenant, "proofs", principal.sub, data.file, DOCUMENTS)
        doc = await proof_use_cases.submit_proof(tenant, principal, data.kind, record)
        return proof_view(doc)

    @get("/", operation_id="list_pending_budget_eligibility_proofs")
    async def pending(
        self, tenant: str, principal: Principal, proof_use_cases: ProofUseCases
    ) -> dict[str, Any]:
        """Proofs waiting for a decision (the council's staff)."""
        docs = await proof_use_cases.pending(tenant, principal)
        return {"items": [proof_view(d) for d in docs], "next_cursor": None}

    @get("/{proof_id:str}", operation_id="get_budget_eligibility_proof")
    async def get_proof(
        self, tenant: str, proof_id: str, principal: Principal, proof_use_cases: ProofUseCases
    ) -> dict[str, Any]:
        """The citizen's own proof, or any of the council's for its staff."""
        return proof_view(await proof_use_cases.get_proof(tenant, principal, proof_id))

    @get(
        "/{proof_id:str}/file",
        operation_id="get_budget_eligibility_proof_file",
        response_model=None,
    )
    async def get_file(
        self,
        tenant: str,
        proof_id: str,
        principal: Principal,
        proof_use_cases: ProofUseCases,
        budget_files: FileStore,
    ) -> Stream:
        doc = await proof_use_cases.get_proof(tenant, principal, proof_id)
        record = doc["file"]
        return Stream(await budget_files.open(record["key"]), media_type=record["content_type"])

    @post(
        "/{proof_id:str}/decision", operation_id="decide_budget_eligibility_proof", status_code=200
    )
    async def decide(
        self,
        tenant: str,
        proof_id: str,
        data: JSONBody[Decision],
        principal: Principal,
        proof_use_cases: ProofUseCases,
    ) -> dict[str, Any]:
        """Approve or reject (an official of the council)."""
        doc = await proof_use_cases.decide_proof(
            tenant, principal, proof_id, data.approve, data.reason
        )
        return proof_view(doc)
