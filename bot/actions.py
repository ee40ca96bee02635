"""The conversation's actions: the API calls a step asked for, as the chat's citizen (or
anonymously for public reads), turned into replies. A refusal or an outage becomes a polite
answer in the chat, never an exception out of here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from bot.citizen_tokens import Citizen
from bot.domain import views
from bot.domain.model import Action, ChatState, Reply
from bot.domain.texts import say
from bot.hromada_api import ApiError, HromadaApi
from bot.messenger import Messenger, MessengerError

log = structlog.get_logger("bot.actions")

SLOT_DAYS = 14  # how far ahead free times are looked for
SLOT_CHOICES = 6


@dataclass(frozen=True)
class ActionContext:
    tenant: str
    locale: str
    citizen: Citizen | None
    messenger: Messenger
    request_key: str  # the same update handled again must not file twice (Idempotency-Key)


@dataclass(frozen=True)
class Outcome:
    replies: tuple[Reply, ...]
    state: ChatState | None = None  # where the chat goes next, if not back to the menu


class Actions:
    def __init__(self, api: HromadaApi, cabinet_url: str, max_photo_bytes: int) -> None:
        self.api = api
        self.cabinet_url = cabinet_url.rstrip("/")
        self.max_photo_bytes = max_photo_bytes

    async def perform(self, action: Action, ctx: ActionContext) -> Outcome:
        handler = getattr(self, f"_{action.name}", None)
        if handler is None:
            return Outcome((Reply(say("help", ctx.locale)),))
        try:
            result: Outcome = await handler(ctx, **action.args)
        except ApiError as error:
            if error.status == 0 or error.status >= 500:
                return Outcome((Reply(say("unavailable", ctx.locale)),))
            return Outcome((Reply(say("refused", ctx.locale, reason=error.detail)),))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # An answer of a shape we did not expect: say so in the chat, keep the bot going.
            log.warning("action.unexpected_answer", action=action.name, error=type(exc).__name__)
            return Outcome((Reply(say("unavailable", ctx.locale)),))
        return result

    def cabinet_of(self, tenant: str) -> str:
        return f"{self.cabinet_url}/{tenant}"

    async def _submit_appeal(self, ctx: ActionContext, **draft: Any) -> Outcome:
        assert ctx.citizen is not None  # the conversation offers appeals to linked chats only
        contact = str(draft.get("contact") or "")
        body: dict[str, Any] = {
            "kind": "statement",
            "subject": draft["subject"],
            "text": draft["text"],
            "address": draft["address"],
            ("email" if "@" in contact else "phone"): contact,
        }
        try:
            appeal = await self.api.post(
                ctx.tenant, "appeals", ctx.citizen, body, idempotency_key=ctx.request_key
            )
        except ApiError as error:
            if error.status == 0 or error.status >= 500:
                raise
            return Outcome((Reply(say("appeal.failed", ctx.locale, reason=error.detail)),))
        replies = [views.registered(appeal, ctx.locale)]
        if draft.get("photo"):
            failure = await self._attach_photo(ctx, appeal["id"], str(draft["photo"]))
            if failure:
                replies.append(Reply(say("appeal.photo_failed", ctx.locale, reason=failure)))
        return Outcome(tuple(replies))

    async def _attach_photo(self, ctx: ActionContext, appeal_id: str, file_id: str) -> str:
        """'' when attached, else why not (the appeal itself stands either way)."""
        assert ctx.citizen is not None
        try:
            data, filename = await ctx.messenger.download(file_id, self.max_photo_bytes)
            await self.api.upload(
                ctx.tenant, f"appeals/{appeal_id}/attachments", ctx.citizen, filename, data
            )
        except (MessengerError, ApiError) as error:
            return str(getattr(error, "detail", None) or error)
        return ""

    async def _my_appeals(self, ctx: ActionContext) -> Outcome:
        found = await self.api.get(ctx.tenant, "appeals", ctx.citizen, limit=views.LIST_LENGTH)
        return Outcome((views.my_appeals(found.get("items", []), ctx.locale),))

    async def _news(self, ctx: ActionContext) -> Outcome:
        found = await self.api.get(ctx.tenant, "notify/news", limit=views.LIST_LENGTH)
        return Outcome((views.news(found.get("items", []), ctx.locale),))

    async def _inbox(self, ctx: ActionContext) -> Outcome:
        found = await self.api.get(ctx.tenant, "notify/inbox", ctx.citizen, limit=5)
        return Outcome((views.inbox(found.get("items", []), ctx.locale),))

    async def _services(self, ctx: ActionContext) -> Outcome:
        found = await self.api.get(ctx.tenant, "queue/services")
        return Outcome((views.services(found.get("items", []), ctx.locale),))

    async def _service(self, tenant: str, code: str) -> dict[str, Any] | None:
        found = await self.api.get(tenant, "queue/services")
        return next((s for s in found.get("items", []) if s.get("code") == code), None)

    async def _service_detail(self, ctx: ActionContext, code: str) -> Outcome:
        service = await self._service(ctx.tenant, code)
        if service is None:
            return await self._services(ctx)
        return Outcome((views.service_detail(service, ctx.locale),))

    async def _offer_slots(self, ctx: ActionContext, code: str) -> Outcome:
        """The first free times at the first stationary office that provides the service."""
        offices = (await self.api.get(ctx.tenant, "queue/offices")).get("items", [])
        serving = [
            o
            for o in offices
            if o.get("kind") != "mobile"
            and any(code in w.get("services", []) for w in o.get("windows", []))
        ]
        if not serving:
            return Outcome((Reply(say("slots.none", ctx.locale)),))
        office = serving[0]
        name = views._name(office.get("name"), ctx.locale)
        options: list[dict[str, Any]] = []
        today = datetime.now(UTC).astimezone(views.KYIV).date()
        for offset in range(SLOT_DAYS):
            day = (today + timedelta(days=offset)).isoformat()
            path = f"queue/offices/{office['id']}/slots"
            slots = (await self.api.get(ctx.tenant, path, service=code, date=day)).get("items", [])
            for slot in slots:
                if slot.get("available", 0) > 0 and _is_future(str(slot["start"])):
                    start = slot["start"]
                    options.append(
                        {"office_id": office["id"], "office": name, "code": code, "start": start}
                    )
            if len(options) >= SLOT_CHOICES:
                break
        options = options[:SLOT_CHOICES]
        reply = views.slot_choices(options, name, ctx.locale)
        choosing = ChatState("booking.slot", {"options": options}) if options else None
        return Outcome((reply,), choosing)

    async def _book(
        self, ctx: ActionContext, office_id: str, office: str, code: str, start: str
    ) -> Outcome:
        assert ctx.citizen is not None
        body = {"office_id": office_id, "service_code": code, "start": start}
        if ctx.citizen.email:
            body["email"] = ctx.citizen.email
        try:
            booking = await self.api.post(
                ctx.tenant, "queue/bookings", ctx.citizen, body, idempotency_key=ctx.request_key
            )
        except ApiError as error:
            if error.status == 0 or error.status >= 500:
                raise
            return Outcome((Reply(say("booking.failed", ctx.locale, reason=error.detail)),))
        return Outcome(views.booked(booking, office, ctx.locale))

    async def _petitions(self, ctx: ActionContext) -> Outcome:
        found = await self.api.get(ctx.tenant, "petitions", limit=views.LIST_LENGTH)
        reply = views.petitions(found.get("items", []), self.cabinet_of(ctx.tenant), ctx.locale)
        return Outcome((reply,))

    async def _budget(self, ctx: ActionContext) -> Outcome:
        cycles = (await self.api.get(ctx.tenant, "budget/cycles")).get("items", [])
        cycle = cycles[-1] if cycles else None
        projects: list[dict[str, Any]] = []
        if cycle is not None:
            path = f"budget/cycles/{cycle['id']}/projects"
            projects = (await self.api.get(ctx.tenant, path)).get("items", [])
        reply = views.budget(cycle, projects, self.cabinet_of(ctx.tenant), ctx.locale)
        return Outcome((reply,))


def _is_future(start: str) -> bool:
    try:
        return datetime.fromisoformat(start.replace("Z", "+00:00")) > datetime.now(UTC)
    except ValueError:
        return False
