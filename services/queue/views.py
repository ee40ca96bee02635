"""What clients see of a booking and a ticket (never the outbox, seats or other internals)."""

from __future__ import annotations

from typing import Any

from chassis.problems import FieldError, Problem, problem_response
from services.queue.domain.errors import Refused


def booking_view(booking: dict[str, Any]) -> dict[str, Any]:
    fee = booking.get("fee")
    return {
        "id": booking["_id"],
        "status": booking["status"],
        "office_id": booking["office_id"],
        "office_name": booking["office_name"],
        "service_code": booking["service_code"],
        "service_name": booking["service_name"],
        "start": booking["start"],
        "end": booking["end"],
        "window": booking.get("window"),
        "paid": fee is not None,
        "amount": fee["amount"] if fee else None,
        "hold_expires_at": booking.get("hold_expires_at"),
        "ticket": booking.get("ticket"),
        "cancel_reason": booking.get("cancel_reason"),
        "history": [
            {k: e.get(k) for k in ("at", "action", "reason") if e.get(k) is not None}
            for e in booking.get("history", [])
        ],
    }


def ticket_view(ticket: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": ticket["number"],
        "office_id": ticket["office_id"],
        "day": ticket["day"],
        "status": ticket["status"],
        "kind": ticket["kind"],
        "service_code": ticket["service_code"],
        "priority": bool(ticket.get("priority")),
        "booking_id": ticket.get("booking_id"),
        "window": ticket.get("window"),
        "issued_at": ticket["issued_at"],
        "called_at": ticket.get("called_at"),
    }


def as_problem(refused: Refused) -> Problem:
    errors = [FieldError(refused.field, refused.detail)] if refused.field else []
    return Problem(refused.status, refused.detail, errors=errors)


def on_refused(request: Any, exc: Refused) -> Any:
    return problem_response(as_problem(exc), request.url.path)
