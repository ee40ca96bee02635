"""What citizens and officials do with payments: create an intent (the amount from the
catalogue, the booking's intent or the fines register), read, cancel, refund."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chassis.auth import Principal
from chassis.guards import require_staff_of
from chassis.logging import get_logger
from chassis.problems import Problem, invalid
from services.payments.catalogue import ServiceCatalogue
from services.payments.changes import ChangeApplier, PaymentNotFound
from services.payments.domain import Payment, Requisites, StatusChange, transition
from services.payments.events import event_for, to_outbox
from services.payments.fine_claims import FineClaims
from services.payments.fines import FinesRegister
from services.payments.provider import PaymentProvider, ProviderUnavailable
from services.payments.provider_updates import ProviderUpdates
from services.payments.repository import PaymentRepository
from services.payments.saga import booking_payment_id

log = get_logger("payments.use_cases")


@dataclass(frozen=True)
class PaymentRequest:
    purpose: str  # "service" | "fine"
    reference: str
    amount: int | None
    currency: str = "UAH"
    email: str | None = None


@dataclass(frozen=True)
class Priced:
    amount: int
    requisites: Requisites
    description: str


def unavailable(exc: ProviderUnavailable) -> Problem:
    log.warning("provider.unavailable", error=str(exc))
    return Problem(503, "Платіжний провайдер недоступний / The payment provider is unavailable.")


class PaymentUseCases:
    def __init__(
        self,
        repository: PaymentRepository,
        changes: ChangeApplier,
        provider: PaymentProvider,
        catalogue: ServiceCatalogue,
        fines: FinesRegister,
        fine_claims: FineClaims,
        updates: ProviderUpdates,
        callback_base_url: str,
        ttl: timedelta,
        on_events_stored: Callable[[str], None],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self.changes = changes
        self.provider = provider
        self.catalogue = catalogue
        self.fines = fines
        self.fine_claims = fine_claims
        self.updates = updates
        self.callback_base_url = callback_base_url.rstrip("/")
        self.ttl = ttl
        self.on_events_stored = on_events_stored
        self.clock = clock

    def callback_url(self, tenant: str) -> str:
        return f"{self.callback_base_url}/api/v1/{tenant}/payments/callbacks/{self.provider.name}"

    async def create_payment(
        self, tenant: str, principal: Principal, request: PaymentRequest
    ) -> Payment:
        if request.currency != "UAH":
            raise invalid("currency", "only UAH is accepted")
        if request.purpose == "service":
            booked = await self.repository.get(
                tenant, booking_payment_id(tenant, request.reference)
            )
            if booked is not None:
                return self._booking_intent(booked, principal, request)
            fee = await self.catalogue.fee_of(tenant, request.reference)
            if fee is None:
                raise invalid(
                    "reference", "no paid service with this code, nor a booking awaiting payment"
                )
            priced = Priced(fee.amount, fee.requisites, fee.name)
        elif request.purpose == "fine":
            fine = await self.fines.find(tenant, request.reference)
            if fine is None:
                raise invalid("reference", "no fine with this resolution number")
            priced = Priced(
                fine.amount, fine.requisites, f"Штраф, постанова № {fine.resolution_number}"
            )
        else:
            raise invalid("purpose", "must be 'service' or 'fine'")
        _check_amount(request.amount, priced.amount)
        payment = self._new_payment(tenant, principal, request, priced)
        if request.purpose == "fine":
            holder = await self.fine_claims.claim(tenant, request.reference, payment.id, principal)
            if holder is not None:
                return holder  # this citizen's payment of the fine is still open: resume it
            try:
                await self._register_and_store(payment)
            except BaseException:
                await self.fine_claims.release(tenant, request.reference, payment.id)
                raise
            return payment
        await self._register_and_store(payment)
        return payment

    def _booking_intent(
        self, booked: Payment, principal: Principal, request: PaymentRequest
    ) -> Payment:
        """The intent created from queue's event for this booking: only its citizen may pay."""
        if booked.citizen_sub != principal.sub:
            raise PaymentNotFound()
        _check_amount(request.amount, booked.amount)
        return booked

    def _new_payment(
        self, tenant: str, principal: Principal, request: PaymentRequest, priced: Priced
    ) -> Payment:
        now = self.clock()
        by = f"citizen:{principal.sub}"
        return Payment(
            id=str(uuid.uuid4()),
            tenant=tenant,
            purpose="fine" if request.purpose == "fine" else "service",
            reference=request.reference,
            amount=priced.amount,
            requisites=priced.requisites,
            description=priced.description,
            citizen_sub=principal.sub,
            citizen_name=principal.name or None,
            email=request.email or principal.email,
            created_at=now,
            updated_at=now,
            expires_at=now + self.ttl,
            history=[StatusChange("created", now, by)],
        )

    async def _register_and_store(self, payment: Payment) -> None:
        """The provider learns the order first: a crash after that leaves an order nobody can
        pay (no checkout link was handed out), never a payment without its checkout."""
        try:
            payment.checkout_url = await self.provider.prepare_checkout(
                payment, self.callback_url(payment.tenant)
            )
        except ProviderUnavailable as exc:
            raise unavailable(exc) from exc
        await self.repository.add(
            payment, [to_outbox(payment, event_for(payment, payment.created_at))]
        )
        self.on_events_stored(payment.id)
        log.info("payment.created", payment_id=payment.id, purpose=payment.purpose)

    async def get_payment(self, tenant: str, principal: Principal, payment_id: str) -> Payment:
        """For its payer or the council's staff; anyone else hears 404 (nothing leaks)."""
        payment = await self.repository.get(tenant, payment_id)
        if payment is None or not (
            payment.citizen_sub == principal.sub or principal.is_staff_of(tenant)
        ):
            raise PaymentNotFound()
        return payment

    async def list_payments(
        self, tenant: str, principal: Principal, limit: int, before: datetime | None
    ) -> list[Payment]:
        mine_only = None if principal.is_staff_of(tenant) else principal.sub
        return await self.repository.list_page(tenant, mine_only, limit, before)

    async def cancel_payment(self, tenant: str, principal: Principal, payment_id: str) -> Payment:
        await self.get_payment(tenant, principal, payment_id)
        by = (
            f"staff:{principal.sub}"
            if principal.is_staff_of(tenant)
            else f"citizen:{principal.sub}"
        )
        reason = "Скасовано платником / Cancelled by the payer"
        return await self.changes.apply(
            tenant,
            payment_id,
            lambda p: [(transition(p, "cancelled", self.clock(), by, reason), reason)],
        )

    async def refund_payment(
        self, tenant: str, principal: Principal, payment_id: str, reason: str
    ) -> Payment:
        """An official returns the whole amount: success -> refund_pending, then the provider's
        answer (or a later poll) -> refunded."""
        require_staff_of(principal, tenant)
        if not reason.strip():
            raise invalid("reason", "say why the money is returned")
        return await self.refund(tenant, payment_id, f"staff:{principal.sub}", reason)

    async def refund(self, tenant: str, payment_id: str, by: str, reason: str) -> Payment:
        """Return the money (officials, or the saga when a released slot was paid)."""
        pending = await self.changes.apply(
            tenant,
            payment_id,
            lambda p: [
                (
                    transition(p, "refund_pending", self.clock(), by, reason, refund_reason=reason),
                    reason,
                )
            ],
        )
        try:
            notice = await self.provider.refund(pending)
        except ProviderUnavailable as exc:
            log.warning("payment.refund_deferred", payment_id=payment_id, error=str(exc))
            return pending  # the provider poll job asks again
        return await self.updates.apply_notice(tenant, notice)


def _check_amount(claimed: int | None, actual: int) -> None:
    """The client's amount is a check of what it showed the payer, never the price."""
    if claimed is not None and claimed != actual:
        raise invalid("amount", f"must be {actual} kopiyky, the fee set by the council")
