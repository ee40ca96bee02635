"""HTTP: the hall — check-in, walk-in tickets, call-next, the visit's end, and the public board
with a server-sent-events stream for hall displays."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage

from chassis.auth import Principal
from services.queue.hall import HallUseCases
from services.queue.views import ticket_view


class WalkIn(msgspec.Struct, forbid_unknown_fields=True):
    service_code: str
    priority: bool = False  # beneficiaries served out of turn (veterans, disabilities...)


class CallNext(msgspec.Struct, forbid_unknown_fields=True):
    window: Annotated[int, msgspec.Meta(ge=1, le=99)]


class HallController(Controller):
    path = "/api/v1/{tenant:str}/queue"
    tags = ["queue hall"]

    @post(
        "/bookings/{booking_id:str}/check-in",
        operation_id="check_in_queue_booking",
        status_code=201,
    )
    async def check_in(
        self, tenant: str, booking_id: str, principal: Principal, hall: HallUseCases
    ) -> dict[str, Any]:
        """An official registers a booked visitor at the door -> a ticket like `A-017`."""
        return ticket_view(await hall.check_in(tenant, principal, booking_id))

    @post("/offices/{office_id:str}/tickets", operation_id="issue_queue_ticket", status_code=201)
    async def walk_in(
        self,
        tenant: str,
        office_id: str,
        data: JSONBody[WalkIn],
        principal: Principal,
        hall: HallUseCases,
    ) -> dict[str, Any]:
        """A walk-in ticket (the kiosk or an official at the door)."""
        ticket = await hall.walk_in(tenant, principal, office_id, data.service_code, data.priority)
        return ticket_view(ticket)

    @post(
        "/offices/{office_id:str}/call-next", operation_id="call_next_queue_ticket", status_code=200
    )
    async def call_next(
        self,
        tenant: str,
        office_id: str,
        data: JSONBody[CallNext],
        principal: Principal,
        hall: HallUseCases,
    ) -> dict[str, Any]:
        """Booked-at-time first, then priority beneficiaries, then walk-ins in order;
        `{"ticket": null}` when nobody waits for this window's services."""
        ticket = await hall.call_next(tenant, principal, office_id, data.window)
        return {"ticket": ticket_view(ticket) if ticket else None}

    @post(
        "/offices/{office_id:str}/tickets/{number:str}/{outcome:str}",
        operation_id="finish_queue_ticket",
        status_code=200,
    )
    async def finish(
        self,
        tenant: str,
        office_id: str,
        number: str,
        outcome: Literal["served", "no-show"],
        principal: Principal,
        hall: HallUseCases,
    ) -> dict[str, Any]:
        """`.../served` or `.../no-show` for a called ticket."""
        status = "served" if outcome == "served" else "no_show"
        return ticket_view(await hall.finish(tenant, principal, office_id, number, status))

    @get("/offices/{office_id:str}/board", operation_id="get_queue_board")
    async def board(self, tenant: str, office_id: str, hall: HallUseCases) -> dict[str, Any]:
        """The hall display: who is at which window, and who waits in calling order."""
        return await hall.board(tenant, office_id)

    @get("/offices/{office_id:str}/board/stream", operation_id="stream_queue_board")
    async def board_stream(
        self, tenant: str, office_id: str, hall: HallUseCases, board_poll_s: float
    ) -> ServerSentEvent:
        """Server-sent events: the board now, then again each time it changes."""
        first = await hall.board(tenant, office_id)  # a missing office is a 404, not a stream

        async def changes() -> AsyncIterator[ServerSentEventMessage]:
            last = ""
            board = first
            while True:
                current = json.dumps(board, ensure_ascii=False, sort_keys=True, default=str)
                if current != last:
                    last = current
                    yield ServerSentEventMessage(data=current, event="board")
                await asyncio.sleep(board_poll_s)
                board = await hall.board(tenant, office_id)

        return ServerSentEvent(changes())
