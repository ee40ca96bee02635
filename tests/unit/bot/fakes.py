"""In-memory stand-ins for the bot's repository, messenger and the gateway (unit tests only)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bot.actions import Actions
from bot.citizen_tokens import DevTokenExchange
from bot.domain.link_codes import LinkCode
from bot.domain.model import ChatState, Reply
from bot.domain.rate_limit import ChatRateLimiter
from bot.hromada_api import HromadaApi
from bot.linking import Linking
from bot.messenger import MessengerError
from bot.repository import BotRepository, chat_key
from bot.telegram import parse_update
from bot.use_cases import BotUseCases

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class FakeRepository:
    """BotRepository's semantics (unique ids decide), in memory."""

    state_of = staticmethod(BotRepository.state_of)

    def __init__(self) -> None:
        self.updates: dict[str, dict[str, Any]] = {}
        self.chats: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, LinkCode] = {}
        self.code_uses: set[str] = set()

    async def record_update(self, tenant, messenger, update_id, update, now, expires_at) -> bool:  # type: ignore[no-untyped-def]
        key = f"{tenant}:{messenger}:{update_id}"
        if key in self.updates:
            return False
        self.updates[key] = {"tenant": tenant, "update": update, "status": "received"}
        return True

    async def mark_update_done(self, tenant: str, messenger: str, update_id: int) -> None:
        self.updates[f"{tenant}:{messenger}:{update_id}"]["status"] = "done"

    async def unhandled_updates(self, received_before: datetime) -> list[dict[str, Any]]:
        return [u for u in self.updates.values() if u["status"] == "received"]

    async def chat(self, tenant: str, messenger: str, chat_id: str) -> dict[str, Any]:
        key = chat_key(tenant, messenger, chat_id)
        default = {"tenant": tenant, "messenger": messenger, "chat_id": chat_id}
        return dict(self.chats.get(key, default))

    async def save_chat(
        self, tenant, messenger, chat_id, state: ChatState, state_expires_at, locale, now
    ) -> None:  # type: ignore[no-untyped-def]
        doc = self.chats.setdefault(
            chat_key(tenant, messenger, chat_id),
            {"tenant": tenant, "messenger": messenger, "chat_id": chat_id},
        )
        doc.update(
            state={"step": state.step, "draft": state.draft},
            state_expires_at=state_expires_at,
            locale=locale,
        )

    async def link_chat(self, tenant, messenger, chat_id, link, now) -> None:  # type: ignore[no-untyped-def]
        doc = self.chats.setdefault(
            chat_key(tenant, messenger, chat_id),
            {"tenant": tenant, "messenger": messenger, "chat_id": chat_id},
        )
        doc["link"] = link

    async def add_code(self, code: LinkCode, now: datetime) -> None:
        self.codes[code.code] = code

    async def find_code(self, code: str) -> LinkCode | None:
        return self.codes.get(code)

    async def use_code(self, code: LinkCode, chat: str, now: datetime) -> bool:
        if code.code in self.code_uses:
            return False
        self.code_uses.add(code.code)
        return True


class FakeMessenger:
    name = "telegram"
    parse = staticmethod(parse_update)

    def __init__(self, files: dict[str, bytes] | None = None) -> None:
        self.sent: list[tuple[str, Reply]] = []
        self.acknowledged: list[str] = []
        self.files = files or {}

    async def send(self, chat_id: str, reply: Reply) -> None:
        self.sent.append((chat_id, reply))

    async def acknowledge(self, callback_id: str) -> None:
        self.acknowledged.append(callback_id)

    async def download(self, file_id: str, max_bytes: int) -> tuple[bytes, str]:
        if file_id not in self.files:
            raise MessengerError("no such file")
        return self.files[file_id], f"{file_id}.jpg"

    def texts(self) -> list[str]:
        return [reply.text for _, reply in self.sent]


class FakeGateway:
    """The gateway routes the bot calls, recording each request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.preferences: dict[str, Any] = {"email": True, "telegram": False, "locale": "uk"}
        self.down = False
        self.odd = False  # answers of a shape the bot does not expect

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path, method = request.url.path, request.method
        if self.down:
            return httpx.Response(503, json={"status": 503, "detail": "down"})
        if self.odd:
            return httpx.Response(200, json={"items": "not a list"})
        if path == "/auth/dev/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 900})
        if path.endswith("/notify/preferences"):
            if method == "PUT":
                self.preferences = json.loads(request.content)
            return httpx.Response(200, json=self.preferences)
        if path.endswith("/appeals") and method == "POST":
            body = json.loads(request.content)
            if len(body["subject"]) > 300:
                return httpx.Response(422, json={"status": 422, "detail": "subject too long"})
            appeal = {"id": "a1", "number": "CH-1", "due_at": "2026-12-23T10:00:00Z"}
            return httpx.Response(201, json=appeal)
        if path.endswith("/attachments"):
            return httpx.Response(201, json={"id": "att1"})
        if path.endswith("/notify/news"):
            items = [
                {"title": "Ремонт мосту", "body": "З понеділка", "published_at": NOW.isoformat()}
            ]
            return httpx.Response(200, json={"items": items})
        return httpx.Response(404, json={"status": 404, "detail": "not here"})

    def paths(self, method: str = "") -> list[str]:
        return [r.url.path for r in self.requests if not method or r.method == method]


def build(
    tenants: tuple[str, ...] = ("chernivtsi", "uzhhorod"), per_minute: int = 20
) -> tuple[BotUseCases, FakeRepository, dict[str, FakeMessenger], FakeGateway, Clock]:
    repository = FakeRepository()
    gateway = FakeGateway()
    clock = Clock()
    http = httpx.AsyncClient(transport=httpx.MockTransport(gateway.handler))
    api = HromadaApi("http://gw", http, DevTokenExchange("http://gw", http, 900))
    messengers = {t: FakeMessenger({"PHOTO": b"\xff\xd8\xff"}) for t in tenants}
    linking = Linking(repository, api, timedelta(minutes=10), clock)  # type: ignore[arg-type]
    use_cases = BotUseCases(
        repository,  # type: ignore[arg-type]
        messengers,
        Actions(api, "https://cabinet", 1024),
        linking,
        ChatRateLimiter(per_minute),
        timedelta(hours=24),
        timedelta(hours=24),
        clock,
    )
    return use_cases, repository, messengers, gateway, clock
