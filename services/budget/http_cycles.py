"""HTTP edge of cycles: create (tenant admin), read, list, advance, pause, resume, results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.idempotency import IdempotencyStore, StoredResponse, respond_once
from services.budget.cycle_use_cases import CycleUseCases, results_snapshot
from services.budget.domain.cycle import PHASES, Category
from services.budget.domain.errors import RuleBroken
from services.budget.repository import cycle_from_doc
from services.budget.views import cycle_view

Eligibility = Literal["residence", "work", "study", "service", "idp"]


class CategoryIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    title: str
    funds: int
    max_project_cost: int


class RulesIn(msgspec.Struct, forbid_unknown_fields=True):
    """Any rule left out takes the council's setting, else the default."""

    min_age: int | None = None
    votes_per_voter: int | None = None
    votes_per_category: int | None = None
    support_threshold: int | None = None
    eligibility: list[Eligibility] | None = None


class CycleCreate(msgspec.Struct, forbid_unknown_fields=True):
    year: int
    title: str
    categories: list[CategoryIn]
    phases: dict[str, tuple[datetime, datetime]]
    rules: RulesIn | None = None


class PhaseChange(msgspec.Struct, forbid_unknown_fields=True):
    phase: str


def rule_overrides(rules: RulesIn | None) -> dict[str, Any]:
    """The rules the administrator set, checked for sense."""
    if rules is None:
        return {}
    given = {k: v for k, v in msgspec.structs.asdict(rules).items() if v is not None}
    limits = {
        "min_age": (14, 18),
        "votes_per_voter": (1, 10),
        "votes_per_category": (1, 10),
        "support_threshold": (0, 100_000),
    }
    for name, (low, high) in limits.items():
        if name in given and not low <= given[name] <= high:
            raise RuleBroken(422, f"{name} must be {low} to {high}.", f"rules.{name}")
    if "eligibility" in given:
        given["eligibility"] = tuple(dict.fromkeys(given["eligibility"]))
    return given


def phases_of(phases: dict[str, tuple[datetime, datetime]]) -> dict[str, tuple[datetime, datetime]]:
    unknown = set(phases) - set(PHASES)
    if unknown:
        raise RuleBroken(422, f"Unknown phases: {', '.join(sorted(unknown))}.", "phases")
    for name, (start, end) in phases.items():
        if start.tzinfo is None or end.tzinfo is None:
            raise RuleBroken(422, "Dates need a UTC offset (e.g. Z).", f"phases.{name}")
    return {name: (s.astimezone(UTC), e.astimezone(UTC)) for name, (s, e) in phases.items()}


class CycleController(Controller):
    path = "/api/v1/{tenant:str}/budget/cycles"
    tags = ["budget"]

    @post("/", operation_id="create_budget_cycle", status_code=201)
    async def create_cycle(
        self,
        tenant: str,
        data: JSONBody[CycleCreate],
        principal: Principal,
        cycle_use_cases: CycleUseCases,
        idempotency: IdempotencyStore,
        idempotency_key: Annotated[str | None, Parameter(header="Idempotency-Key")] = None,
    ) -> Response[Any]:
        """A new cycle (tenant admin): categories with funds, rules, and the six phases."""
        if not 2000 <= data.year <= 2100:
            raise RuleBroken(422, "The year must be 2000 to 2100.", "year")
        if not data.title.strip() or len(data.title) > 200:
            raise RuleBroken(422, "The title must be 1 to 200 characters.", "title")
        categories = [
            Category(c.code, c.title, c.funds, c.max_project_cost) for c in data.categories
        ]
        overrides, phases = rule_overrides(data.rules), phases_of(data.phases)

        async def create() -> StoredResponse:
            cycle = await cycle_use_cases.create_cycle(
                tenant, principal, data.year, data.title.strip(), categories, overrides, phases
            )
            return StoredResponse(201, msgspec.to_builtins(cycle_view(cycle, datetime.now(UTC))))

        return await respond_once(idempotency, tenant, principal, idempotency_key, data, create)

    @get("/", operation_id="list_budget_cycles")
    async def list_cycles(self, tenant: str, cycle_use_cases: CycleUseCases) -> dict[str, Any]:
        """The council's cycles, newest year first (public)."""
        now = datetime.now(UTC)
        docs = await cycle_use_cases.cycles.list_of(tenant)
        return {"items": [cycle_view(cycle_from_doc(d), now) for d in docs], "next_cursor": None}

    @get("/{cycle_id:str}", operation_id="get_budget_cycle")
    async def get_cycle(
        self, tenant: str, cycle_id: str, cycle_use_cases: CycleUseCases
    ) -> dict[str, Any]:
        """A cycle with its current phase and what is open now (public)."""
        return cycle_view(await cycle_use_cases.get_cycle(tenant, cycle_id), datetime.now(UTC))

    @post("/{cycle_id:str}/phase", operation_id="advance_budget_cycle", status_code=200)
    async def advance(
        self,
        tenant: str,
        cycle_id: str,
        data: JSONBody[PhaseChange],
        principal: Principal,
        cycle_use_cases: CycleUseCases,
    ) -> dict[str, Any]:
        """Move the cycle on to a later phase by hand (tenant admin)."""
        cycle = await cycle_use_cases.advance_phase(tenant, principal, cycle_id, data.phase)
        return cycle_view(cycle, datetime.now(UTC))

    @post("/{cycle_id:str}/pause", operation_id="pause_budget_cycle", status_code=200)
    async def pause(
        self, tenant: str, cycle_id: str, principal: Principal, cycle_use_cases: CycleUseCases
    ) -> dict[str, Any]:
        """Freeze everything (e.g. in wartime) until resumed (tenant admin)."""
        cycle = await cycle_use_cases.pause_cycle(tenant, principal, cycle_id)
        return cycle_view(cycle, datetime.now(UTC))

    @post("/{cycle_id:str}/resume", operation_id="resume_budget_cycle", status_code=200)
    async def resume(
        self, tenant: str, cycle_id: str, principal: Principal, cycle_use_cases: CycleUseCases
    ) -> dict[str, Any]:
        """Resume; dates not yet reached move later by the length of the pause."""
        cycle = await cycle_use_cases.resume_cycle(tenant, principal, cycle_id)
        return cycle_view(cycle, datetime.now(UTC))

    @get(
        "/{cycle_id:str}/results",
        operation_id="get_budget_results",
        responses={409: ResponseSpec(None, description="The results are not published yet.")},
    )
    async def results(
        self,
        tenant: str,
        cycle_id: str,
        maybe_principal: Principal | None,
        cycle_use_cases: CycleUseCases,
    ) -> dict[str, Any]:
        """The published results (public). Before publication only the council's staff see a
        provisional count; everyone else gets 409 naming the phase."""
        cycle, _version, stored = await cycle_use_cases.load(tenant, cycle_id)
        if stored:
            return {"cycle_id": cycle_id, "published": True, **stored}
        if maybe_principal is None or not maybe_principal.is_staff_of(tenant):
            raise RuleBroken(
                409, "Результати ще не оприлюднено / The results are not published yet."
            )
        results, votes = await cycle_use_cases.count_results(cycle)
        return {
            "cycle_id": cycle_id,
            "published": False,
            **results_snapshot(results, votes, datetime.now(UTC)),
        }
