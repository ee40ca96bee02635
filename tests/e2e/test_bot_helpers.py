"""Helpers for the messenger-bot e2e tests: a Telegram chat as Telegram would drive it (updates
POSTed to the gateway's webhook with the council's secret), and what the chat received, read
from the Bot API stand-in (notify_sinks). No tests here."""

from __future__ import annotations

import itertools
import random
from typing import Any

import httpx

from tests.e2e.retrying import send
from tests.stack import Gateway, env, wait_for

TIMEOUT_S = 60.0
SINKS_URL = "http://127.0.0.1:8108"
_update_ids = itertools.count(random.randrange(1, 2**40))


def bot_token(tenant: str) -> str:
    return env(f"HROMADA_TELEGRAM_BOTS__{tenant.upper()}__TOKEN", f"dev-{tenant}-bot-token")


def bot_secret(tenant: str) -> str:
    return env(f"HROMADA_TELEGRAM_BOTS__{tenant.upper()}__SECRET", f"dev-{tenant}-webhook-secret")


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


class Chat:
    """One person's private chat with a council's bot."""

    def __init__(self, gateway: Gateway, tenant: str, chat_id: int | None = None) -> None:
        self.gateway = gateway
        self.tenant = tenant
        self.chat_id = chat_id or random.randrange(10**9, 10**12)
        self.sinks = httpx.Client(base_url=SINKS_URL, timeout=10.0)

    def post(self, update: dict[str, Any], secret: str | None = "") -> httpx.Response:
        """The webhook call; `secret=None` sends no secret header."""
        headers = {}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret or bot_secret(self.tenant)
        path = f"/api/v1/{self.tenant}/bot/telegram/webhook"
        return send(self.gateway, "POST", path, json=update, headers=headers)

    def message(self, **fields: Any) -> dict[str, Any]:
        chat = {"id": self.chat_id, "type": "private"}
        person = {"id": self.chat_id, "is_bot": False, "first_name": "Олена"}
        message = {"message_id": next(_update_ids) % 10**6, "chat": chat, "from": person}
        return {"update_id": next(_update_ids), "message": {**message, **fields}}

    def say(self, text: str) -> dict[str, Any]:
        update = self.message(text=text)
        assert self.post(update).status_code == 200
        return update

    def press(self, data: str) -> None:
        query = {
            "id": str(next(_update_ids)),
            "from": {"id": self.chat_id},
            "data": data,
            "message": {"message_id": 1, "chat": {"id": self.chat_id}},
        }
        assert (
            self.post({"update_id": next(_update_ids), "callback_query": query}).status_code == 200
        )

    def send_photo(self, data: bytes) -> None:
        """The person sends a photo: it is in Telegram's storage (the sink), the bot gets its id."""
        stored = self.sinks.post("/telegram/test/files", content=data)
        assert stored.status_code == 201, stored.text
        photo = [{"file_id": stored.json()["file_id"], "width": 640, "height": 480}]
        assert self.post(self.message(photo=photo)).status_code == 200

    def received(self) -> list[dict[str, Any]]:
        """Every message this chat got from its council's bot, oldest first."""
        params = {"chat_id": str(self.chat_id), "bot": bot_token(self.tenant)}
        answer = self.sinks.get("/telegram/messages", params=params)
        assert answer.status_code == 200, answer.text
        return [m for m in answer.json() if m.get("method", "sendMessage") == "sendMessage"]

    def texts(self) -> list[str]:
        return [str(m.get("text")) for m in self.received()]

    def wait_for_text(self, *needles: str, after: int = 0) -> str:
        """The first message (from the `after`-th on) holding every needle."""

        def found() -> str | None:
            for text in self.texts()[after:]:
                if all(n in text for n in needles):
                    return text
            return None

        return wait_for(found, TIMEOUT_S, what=f"a bot message with {needles}")

    def wait_for_count(self, count: int) -> list[str]:
        return wait_for(
            lambda: (t := self.texts()) and len(t) >= count and t, TIMEOUT_S, what=f"{count} msgs"
        )

    def buttons(self, text_needle: str) -> list[str]:
        """The callback data of the buttons under the last message holding `text_needle`."""
        for message in reversed(self.received()):
            if text_needle in str(message.get("text")):
                rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
                return [b.get("callback_data") or b.get("url") for row in rows for b in row]
        return []


def link(gateway: Gateway, chat: Chat, headers: dict[str, str], tenant: str = "") -> str:
    """The cabinet asks for a code with the citizen's token; the person opens the deep link."""
    response = send(gateway, "POST", f"/api/v1/{tenant or chat.tenant}/bot/links", headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["deep_link"].endswith(f"?start={body['code']}")
    return str(body["code"])
