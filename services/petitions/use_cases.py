"""Use cases of local e-petitions (Law 393/96-ВР Art. 23-1): file, read, list, sign; and the
council's publish, reject and respond. Citizen-facing refusals are in Ukrainian with English."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chassis.auth import Principal
from chassis.calendar import add_working_days
from chassis.guards import require_citizen, require_staff_of
from chassis.problems import FieldError, Problem, invalid
from contracts.envelope import EventModel
from services.petitions import events
from services.petitions.domain import model
from services.petitions.domain.model import IllegalTransition, Petition, stored_precision
from services.petitions.domain.rules import (
    MODERATION_WORKING_DAYS,
    REASON_MAX,
    RESPONSE_TEXT_MAX,
    TEXT_MAX,
    TITLE_MAX,
    is_identified,
    may_sign_as_resident,
)
from services.petitions.listing import BadCursor, ListRequest, build_query, encode_cursor, sort_of
from services.petitions.repository import PetitionRepository
from services.petitions.signatures import AlreadySigned, SignatureRepository
from services.petitions.tenant_settings import CouncilPolicies

NOT_IDENTIFIED = (
    "Потрібна ідентифікація через BankID або кваліфікований електронний підпис / "
    "An identified account (BankID or a qualified e-signature) is required."
)
ALREADY_SIGNED = "Підпис уже враховано / Already signed."
NOT_RESIDENT = (
    "Цю петицію можуть підписати лише мешканці громади / "
    "Only residents of this hromada may sign this petition."
)
NOT_FOUND = "Петицію не знайдено / Petition not found."


def conflict(error: IllegalTransition) -> Problem:
    return Problem(
        409,
        f"Дія недоступна для петиції у статусі «{error.status}» / "
        f"Cannot {error.action} a petition in status '{error.status}'.",
        errors=[FieldError("status", f"current status is '{error.status}'")],
    )


def _text(field: str, value: str, limit: int) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise invalid(field, "must not be empty / не може бути порожнім")
    if len(cleaned) > limit:
        raise invalid(field, f"must be at most {limit} characters / не довше {limit} символів")
    return cleaned


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


class PetitionUseCases:
    def __init__(
        self,
        petitions: PetitionRepository,
        signatures: SignatureRepository,
        policies: CouncilPolicies,
        on_signed: Callable[[str, str], None] = lambda tenant, petition_id: None,
        on_events_stored: Callable[[str], None] = lambda petition_id: None,
        clock: Callable[[], datetime] = lambda: stored_precision(datetime.now(UTC)),
    ) -> None:
        self.petitions = petitions
        self.signatures = signatures
        self.policies = policies
        self.on_signed = on_signed
        self.on_events_stored = on_events_stored
        self.clock = clock

    # -- citizens -----------------------------------------------------------------------------

    async def file_petition(
        self, tenant: str, principal: Principal, title: str, text: str
    ) -> Petition:
        """A petition from an identified citizen; the author's own signature counts."""
        require_citizen(principal)
        if not is_identified(principal.acr):
            raise Problem(403, NOT_IDENTIFIED)
        title, text = _text("title", title, TITLE_MAX), _text("text", text, TEXT_MAX)
        policy = await self.policies.get(tenant)
        now = self.clock()
        petition = Petition(
            id=str(uuid.uuid4()),
            tenant=tenant,
            title=title,
            text=text,
            author_sub=principal.sub,
            author_name=principal.name,
            author_email=principal.email,
            locale=policy.locale,
            status=model.MODERATION,
            created_at=now,
            moderation_due_at=add_working_days(
                now, MODERATION_WORKING_DAYS, policy.timezone, policy.holidays
            ),
        )
        # The signature first: if the petition insert then fails, an orphan signature of a
        # petition that does not exist is harmless; the reverse would count one too many.
        await self.signatures.add(tenant, petition.id, principal, now)
        await self.petitions.add(petition)
        return petition

    async def sign(self, tenant: str, principal: Principal, petition_id: str) -> datetime:
        """One signature per identified person (Art. 23-1); 409 if already signed."""
        require_citizen(principal)
        if not is_identified(principal.acr):
            raise Problem(403, NOT_IDENTIFIED)
        view = await self.petitions.signing_view(tenant, petition_id)
        if view is None:
            raise Problem(404, NOT_FOUND)
        now = self.clock()
        deadline = view.get("deadline_at")
        if view["status"] != model.COLLECTING or deadline is None or now >= deadline:
            status = view["status"] if view["status"] != model.COLLECTING else "deadline passed"
            raise conflict(IllegalTransition("sign", status))
        if not may_sign_as_resident(str(view.get("signers")), principal.residence, tenant):
            raise Problem(403, NOT_RESIDENT)
        try:
            await self.signatures.add(tenant, petition_id, principal, now)
        except AlreadySigned as exc:
            raise Problem(409, ALREADY_SIGNED) from exc
        self.on_signed(tenant, petition_id)
        return now

    async def get_petition(
        self, tenant: str, principal: Principal | None, petition_id: str
    ) -> Petition:
        """Public once published; before that (or rejected) only its author and the staff.
        The petition may come from the short read cache; who may see it is decided here on
        every request."""
        petition = await self.petitions.get_shown(tenant, petition_id)
        if petition is None:
            raise Problem(404, NOT_FOUND)
        if petition.status not in model.PUBLIC_STATUSES and not (
            principal is not None
            and (principal.sub == petition.author_sub or principal.is_staff_of(tenant))
        ):
            raise Problem(404, NOT_FOUND)
        return petition

    async def list_petitions(self, tenant: str, request: ListRequest, limit: int) -> Page:
        try:
            query = build_query(tenant, request)
        except BadCursor as exc:
            raise invalid("cursor", "is not a cursor of this list") from exc
        docs = await self.petitions.find_page(query, sort_of(request.sort), limit + 1)
        more = len(docs) > limit
        items = docs[:limit]
        next_cursor = encode_cursor(items[-1], request.sort) if more and items else None
        return Page(items, next_cursor)

    # -- the council's staff --------------------------------------------------------------------

    async def publish(self, tenant: str, principal: Principal, petition_id: str) -> Petition:
        petition = await self._staff_petition(tenant, principal, petition_id)
        rules = (await self.policies.get(tenant)).rules
        published = await self._transition(
            petition, lambda p: model.publish(p, rules, self.clock()), events.published
        )
        self.on_signed(tenant, petition_id)  # the author's signature may already be enough
        return published

    async def reject(
        self, tenant: str, principal: Principal, petition_id: str, reason: str
    ) -> Petition:
        reason = _text("reason", reason, REASON_MAX)
        petition = await self._staff_petition(tenant, principal, petition_id)
        return await self._transition(petition, lambda p: model.reject(p, reason), events.rejected)

    async def respond(
        self, tenant: str, principal: Principal, petition_id: str, decision: str, text: str
    ) -> Petition:
        if decision not in model.DECISIONS:
            raise invalid("decision", "must be 'supported' or 'rejected'")
        text = _text("text", text, RESPONSE_TEXT_MAX)
        petition = await self._staff_petition(tenant, principal, petition_id)
        return await self._transition(
            petition, lambda p: model.respond(p, decision, text, self.clock()), events.answered
        )

    async def _staff_petition(
        self, tenant: str, principal: Principal, petition_id: str
    ) -> Petition:
        require_staff_of(principal, tenant)
        petition = await self.petitions.get(tenant, petition_id)
        if petition is None:
            raise Problem(404, NOT_FOUND)
        return petition

    async def _transition(
        self,
        petition: Petition,
        decide: Callable[[Petition], dict[str, Any]],
        announce: Callable[[Petition, datetime], EventModel],
    ) -> Petition:
        try:
            changes = decide(petition)
        except IllegalTransition as exc:
            raise conflict(exc) from exc
        after = Petition(**{**petition.__dict__, **changes})
        record = events.to_outbox(after, announce(after, self.clock()))
        if not await self.petitions.apply(petition.id, petition.status, changes, [record]):
            current = await self.petitions.get(petition.tenant, petition.id)
            status = current.status if current else "unknown"
            raise conflict(IllegalTransition("change", status))
        self.on_events_stored(petition.id)
        return after
