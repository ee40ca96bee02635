"""HTTP edge of voting: a resident votes online; ASC staff enter a paper vote."""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody

from chassis.auth import Principal
from services.budget.voting import VotingUseCases


class VoteCreate(msgspec.Struct, forbid_unknown_fields=True):
    project_id: str


class OfflineVoteCreate(msgspec.Struct, forbid_unknown_fields=True):
    """What ASC staff read from the passport: the document's number (kept only as a keyed
    hash), the birth date, and on which ground the person votes (a proof seen in person)."""

    project_id: str
    document_ref: str
    birthdate: str
    ground: Literal["residence", "work", "study", "service", "idp"] = "residence"


class VoteController(Controller):
    path = "/api/v1/{tenant:str}/budget/cycles/{cycle_id:str}"
    tags = ["budget"]

    @post("/votes", operation_id="cast_budget_vote", status_code=201)
    async def vote(
        self,
        tenant: str,
        cycle_id: str,
        data: JSONBody[VoteCreate],
        principal: Principal,
        voting: VotingUseCases,
    ) -> dict[str, Any]:
        """Vote for one project in the voting phase: once per project, at most the cycle's
        votes per voter (and per category), whatever the concurrency."""
        return await voting.vote_online(tenant, principal, cycle_id, data.project_id)

    @post("/offline-votes", operation_id="enter_budget_offline_vote", status_code=201)
    async def offline_vote(
        self,
        tenant: str,
        cycle_id: str,
        data: JSONBody[OfflineVoteCreate],
        principal: Principal,
        voting: VotingUseCases,
    ) -> dict[str, Any]:
        """A paper vote entered by the council's ASC staff; never counts twice with the same
        person's online vote."""
        return await voting.vote_offline(
            tenant,
            principal,
            cycle_id,
            data.project_id,
            data.document_ref,
            data.birthdate,
            data.ground,
        )

    @get("/votes/mine", operation_id="get_my_budget_votes")
    async def my_votes(
        self, tenant: str, cycle_id: str, principal: Principal, voting: VotingUseCases
    ) -> dict[str, Any]:
        """The projects I voted for in this cycle (online or at an ASC)."""
        return {"project_ids": await voting.my_votes(tenant, principal, cycle_id)}
