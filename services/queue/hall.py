"""The hall of an ASC: check-in of booked visitors, walk-in tickets, calling the next person
to a window, the visit's end (served / no-show) and the public board. Staff of the council only,
except the board. Writes to one office's tickets are serialised in this process (FerretDB
updates are not atomic); calling is also claimed by a unique insert across replicas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from chassis.auth import Principal
from chassis.guards import require_staff_of
from services.queue import events
from services.queue.booking_repository import BookingChange, BookingRepository, EventsStored
from services.queue.booking_use_cases import BookingUseCases
from services.queue.clock import utc_now
from services.queue.domain.booking import check_in_window, next_status
from services.queue.domain.errors import Refused, conflict, invalid, not_found
from services.queue.domain.hall import next_ticket, waiting_order
from services.queue.domain.slots import local_day
from services.queue.ticket_repository import TicketRepository
from services.queue.write_guard import DocumentLocks


class HallUseCases:
    def __init__(
        self,
        tickets: TicketRepository,
        bookings: BookingRepository,
        use_cases: BookingUseCases,
        locks: DocumentLocks,
        on_ticket_events: EventsStored,
        check_in_early_minutes: int = 120,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.tickets = tickets
        self.bookings = bookings
        self.use_cases = use_cases
        self.locks = locks
        self.on_ticket_events = on_ticket_events
        self.early_minutes = check_in_early_minutes
        self.clock = clock

    async def _today(self, tenant: str) -> str:
        policy = await self.use_cases.policies.get(tenant)
        return local_day(self.clock(), policy.timezone).isoformat()

    async def check_in(self, tenant: str, principal: Principal, booking_id: str) -> dict[str, Any]:
        require_staff_of(principal, tenant)
        booking = await self.bookings.get(tenant, booking_id)
        if booking is None:
            raise not_found("Запис не знайдено / No such booking")
        now = self.clock()
        next_status(booking["status"], "check_in")
        check_in_window(booking["start"], booking["end"], now, self.early_minutes)
        day = await self._today(tenant)
        async with self.locks.hold(f"office:{tenant}:{booking['office_id']}"):
            ticket = await self.tickets.issue(
                tenant,
                booking["office_id"],
                day,
                booking.get("ticket_letter", "A"),
                {
                    "kind": "booked",
                    "booking_id": booking_id,
                    "service_code": booking["service_code"],
                    "service_name": booking["service_name"],
                    "start": booking["start"],
                    "priority": False,
                    "citizen": booking["citizen"],
                    "issued_at": now,
                },
            )

        def rule(current: dict[str, Any], at: datetime) -> BookingChange:
            status = next_status(current["status"], "check_in")
            return BookingChange(
                "check_in",
                {"status": status, "ticket": ticket["number"], "checked_in_at": at},
                by=principal.sub,
            )

        try:
            await self.bookings.change(tenant, booking_id, rule)
        except Refused:
            await self.tickets.delete(ticket)  # checked in twice at once: one ticket only
            raise
        return ticket

    async def walk_in(
        self, tenant: str, principal: Principal, office_id: str, service_code: str, priority: bool
    ) -> dict[str, Any]:
        require_staff_of(principal, tenant)
        service, office = await self.use_cases.service_and_office(tenant, service_code, office_id)
        if not office.windows_for(service.code):
            raise invalid("service_code", "Ця послуга тут не надається / Not served here")
        day = await self._today(tenant)
        async with self.locks.hold(f"office:{tenant}:{office_id}"):
            return await self.tickets.issue(
                tenant,
                office_id,
                day,
                service.ticket_letter,
                {
                    "kind": "walk_in",
                    "booking_id": None,
                    "service_code": service.code,
                    "service_name": service.name.uk,
                    "start": None,
                    "priority": priority,
                    "citizen": None,
                    "issued_at": self.clock(),
                },
            )

    async def call_next(
        self, tenant: str, principal: Principal, office_id: str, window: int
    ) -> dict[str, Any] | None:
        require_staff_of(principal, tenant)
        office = await self.use_cases.catalogue.office(tenant, office_id)
        if office is None:
            raise not_found("Немає такого ЦНАП / No such office")
        served_here = next((set(w.services) for w in office.windows if w.number == window), None)
        if served_here is None:
            raise invalid("window", f"Office has no window {window}")
        day = await self._today(tenant)
        async with self.locks.hold(f"office:{tenant}:{office_id}"):
            waiting = [
                t
                for t in await self.tickets.of_day(tenant, office_id, day)
                if t["status"] == "waiting"
            ]
            while True:
                now = self.clock()
                ticket = next_ticket(waiting, served_here, now)
                if ticket is None:
                    return None
                chosen = dict(ticket)
                if await self.tickets.claim_call(chosen, window):
                    break
                waiting = [t for t in waiting if t["_id"] != chosen["_id"]]  # called elsewhere
            chosen.update(status="called", window=window, called_at=now)
            event = events.ticket_called(chosen, office.name.uk, now)
            outbox = events.to_outbox(tenant, chosen["_id"], [event])
            await self.tickets.update(
                chosen, {"status": "called", "window": window, "called_at": now}, outbox
            )
        self.on_ticket_events(self.tickets.tickets.name, chosen["_id"], outbox)
        return chosen

    async def finish(
        self, tenant: str, principal: Principal, office_id: str, number: str, outcome: str
    ) -> dict[str, Any]:
        """`served` or `no_show` for a called ticket; its booking follows."""
        require_staff_of(principal, tenant)
        day = await self._today(tenant)
        async with self.locks.hold(f"office:{tenant}:{office_id}"):
            ticket = await self.tickets.get(tenant, office_id, day, number)
            if ticket is None:
                raise not_found("Немає такого талона сьогодні / No such ticket today")
            if ticket["status"] != "called":
                raise conflict(
                    f"Талон у стані '{ticket['status']}' / The ticket is '{ticket['status']}'",
                    "status",
                )
            now = self.clock()
            fields = {"status": outcome, "served_at" if outcome == "served" else "finished_at": now}
            await self.tickets.update(ticket, fields, [])
            ticket.update(fields)
        if ticket.get("booking_id"):
            action = "serve" if outcome == "served" else "no_show"

            def rule(current: dict[str, Any], at: datetime) -> BookingChange:
                return BookingChange(action, {"status": next_status(current["status"], action)})

            await self.bookings.change(tenant, ticket["booking_id"], rule)
        return ticket

    async def board(self, tenant: str, office_id: str) -> dict[str, Any]:
        """What the hall display shows: who is at which window, who waits, in calling order."""
        office = await self.use_cases.catalogue.office(tenant, office_id)
        if office is None:
            raise not_found("Немає такого ЦНАП / No such office")
        day = await self._today(tenant)
        tickets = await self.tickets.of_day(tenant, office_id, day)
        serving: dict[int, dict[str, Any]] = {}
        for t in sorted((t for t in tickets if t.get("called_at")), key=lambda t: t["called_at"]):
            serving[int(t["window"])] = t  # the latest call at each window
        waiting = waiting_order([t for t in tickets if t["status"] == "waiting"], self.clock())
        return {
            "office_id": office_id,
            "office_name": office.name.uk,
            "day": day,
            "serving": [
                {"window": w, "ticket": t["number"], "status": t["status"]}
                for w, t in sorted(serving.items())
                if t["status"] == "called"
            ],
            "waiting": [t["number"] for t in waiting],
        }
