"""Eligibility proofs: a resident who is not registered in the hromada uploads a proof of
work, study, service or IDP status; an official approves or rejects it. An approval is kept
as the account's eligibility (one small document per tenant and account, read by `_id` when
the person votes)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase

from chassis.auth import Principal
from chassis.guards import require_citizen, require_staff_of
from chassis.mongo import TenantRepository
from chassis.problems import Problem
from chassis.write_guard import DocumentLocks
from services.budget.domain.errors import RuleBroken

PROOF_KINDS = ("work", "study", "service", "idp")


class ProofRepository(TenantRepository):
    collection_name = "eligibility_proofs"

    def __init__(self, db: AsyncDatabase[dict[str, Any]], locks: DocumentLocks) -> None:
        super().__init__(db)
        self.eligibility = db["eligibility"]
        self.locks = locks

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("tenant", ASCENDING), ("status", ASCENDING)])

    async def approved_kinds(self, tenant: str, sub: str) -> frozenset[str]:
        doc = await self.eligibility.find_one({"_id": f"{tenant}:{sub}"})
        if doc is None or doc.get("tenant") != tenant:
            return frozenset()
        return frozenset(k for k, ok in (doc.get("kinds") or {}).items() if ok)


class ProofUseCases:
    def __init__(
        self,
        proofs: ProofRepository,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.proofs = proofs
        self.clock = clock

    async def submit_proof(
        self, tenant: str, principal: Principal, kind: str, file: dict[str, Any]
    ) -> dict[str, Any]:
        require_citizen(principal)
        require_kind(kind)
        doc = {
            "_id": str(uuid.uuid4()),
            "tenant": tenant,
            "citizen_sub": principal.sub,
            "citizen_name": principal.name,
            "kind": kind,
            "status": "pending",
            "file": file,
            "submitted_at": self.clock(),
            "decision": None,
        }
        await self.proofs.collection.insert_one(doc)
        return doc

    async def get_proof(self, tenant: str, principal: Principal, proof_id: str) -> dict:
        doc = await self.proofs.find_owned(tenant, proof_id)
        mine = doc is not None and doc["citizen_sub"] == principal.sub
        if doc is None or not (mine or principal.is_staff_of(tenant)):
            raise Problem(404, "Документа не знайдено / No such proof.")
        return doc

    async def pending(self, tenant: str, principal: Principal) -> list[dict[str, Any]]:
        require_staff_of(principal, tenant)
        cursor = self.proofs.collection.find(
            {"tenant": tenant, "status": "pending"}, sort=[("submitted_at", ASCENDING)], limit=200
        )
        return await cursor.to_list(None)

    async def decide_proof(
        self, tenant: str, principal: Principal, proof_id: str, approve: bool, reason: str
    ) -> dict[str, Any]:
        require_staff_of(principal, tenant)
        doc = await self.get_proof(tenant, principal, proof_id)
        if doc["status"] != "pending":
            raise RuleBroken(409, f"The proof was already decided (status: {doc['status']}).")
        status = "approved" if approve else "rejected"
        decision = {"by": principal.sub, "at": self.clock(), "reason": reason}
        async with self.proofs.locks.hold(proof_id):
            result = await self.proofs.collection.update_one(
                {"_id": proof_id, "tenant": tenant, "status": "pending"},
                {"$set": {"status": status, "decision": decision}},
            )
        if result.modified_count != 1:
            raise RuleBroken(409, "The proof was decided meanwhile.")
        if approve:
            await self.proofs.eligibility.update_one(
                {"_id": f"{tenant}:{doc['citizen_sub']}"},
                {"$set": {"tenant": tenant, f"kinds.{doc['kind']}": True}},
                upsert=True,
            )
        return {**doc, "status": status, "decision": decision}


def require_kind(kind: str) -> None:
    if kind not in PROOF_KINDS:
        raise RuleBroken(422, f"The proof's kind: one of {', '.join(PROOF_KINDS)}.", "kind")
