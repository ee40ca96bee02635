"""Telegram adapter: parse Bot API updates into `ChatEvent`s, and answer through the Bot API
(`sendMessage` with an inline keyboard, `answerCallbackQuery`, `getFile` + the file download)
at a configurable base URL — https://api.telegram.org in production, the local sink in dev."""

from __future__ import annotations

from typing import Any

import httpx

from bot.domain.model import Incoming, Reply
from bot.messenger import ChatEvent, MessengerError

MAX_TEXT = 4096  # Telegram's limit for one message


def parse_update(update: dict[str, Any]) -> ChatEvent | None:
    """A text, command, photo or button press in a private chat; None for anything else
    (edited messages, joins, channel posts) — those are acknowledged and ignored. Groups are
    ignored too: a group linked to a resident would let every member act as them."""
    update_id = update.get("update_id")
    if not isinstance(update_id, int):
        return None
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        message = callback.get("message") or {}
        chat = message.get("chat") or {}
        if "id" not in chat or not _is_private(chat):
            return None
        return ChatEvent(
            update_id,
            str(chat["id"]),
            Incoming("button", text=str(callback.get("data") or "")[:64]),
            _language(callback.get("from")),
            str(callback.get("id") or "") or None,
        )
    message = update.get("message")
    if not isinstance(message, dict) or "id" not in (message.get("chat") or {}):
        return None
    if not _is_private(message["chat"]):
        return None
    chat_id = str(message["chat"]["id"])
    language = _language(message.get("from"))
    return ChatEvent(update_id, chat_id, incoming_of(message), language)


def incoming_of(message: dict[str, Any]) -> Incoming:
    photos = message.get("photo")
    if isinstance(photos, list) and photos and isinstance(photos[-1], dict):
        largest = str(photos[-1].get("file_id") or "")  # Telegram lists sizes smallest first
        if largest:
            return Incoming("photo", text=str(message.get("caption") or ""), photo=largest)
    text = message.get("text")
    if not isinstance(text, str) or not text.strip():
        return Incoming("other")
    text = text.strip()
    if text.startswith("/"):
        head, _, arg = text.partition(" ")
        command = head[1:].split("@", 1)[0].lower()  # /start@hromada_bot in a group
        return Incoming("command", text=arg.strip(), command=command)
    return Incoming("text", text=text)


def _is_private(chat: dict[str, Any]) -> bool:
    return chat.get("type", "private") == "private"


def _language(person: Any) -> str | None:
    code = person.get("language_code") if isinstance(person, dict) else None
    return code if isinstance(code, str) else None


def keyboard(reply: Reply) -> dict[str, Any] | None:
    rows = [
        [{"text": b.label, "callback_data": b.data} for b in row] for row in reply.buttons if row
    ]
    rows += [[{"text": label, "url": url}] for label, url in reply.links]
    return {"inline_keyboard": rows} if rows else None


class TelegramMessenger:
    """One council's bot (its token)."""

    name = "telegram"
    parse = staticmethod(parse_update)

    def __init__(self, api_url: str, token: str, client: httpx.AsyncClient) -> None:
        self.base = api_url.rstrip("/")
        self.token = token
        self.client = client

    async def _call(self, method: str, payload: dict[str, Any]) -> Any:
        try:
            response = await self.client.post(f"{self.base}/bot{self.token}/{method}", json=payload)
            body = response.json() if response.content else {}
        except (httpx.HTTPError, ValueError) as exc:
            raise MessengerError(f"telegram {method}: {type(exc).__name__}") from exc
        if not response.is_success or not body.get("ok"):
            raise MessengerError(f"telegram {method}: HTTP {response.status_code}")
        return body.get("result")

    async def send(self, chat_id: str, reply: Reply) -> None:
        payload: dict[str, Any] = {"chat_id": chat_id, "text": reply.text[:MAX_TEXT]}
        markup = keyboard(reply)
        if markup is not None:
            payload["reply_markup"] = markup
        await self._call("sendMessage", payload)

    async def set_webhook(self, url: str, secret: str) -> None:
        """Point Telegram at our webhook, with the secret it must send back on every update."""
        await self._call(
            "setWebhook",
            {"url": url, "secret_token": secret, "allowed_updates": ["message", "callback_query"]},
        )

    async def acknowledge(self, callback_id: str) -> None:
        await self._call("answerCallbackQuery", {"callback_query_id": callback_id})

    async def download(self, file_id: str, max_bytes: int) -> tuple[bytes, str]:
        found = await self._call("getFile", {"file_id": file_id})
        path = (found or {}).get("file_path")
        if not path:
            raise MessengerError("telegram getFile: no file_path")
        if int((found or {}).get("file_size") or 0) > max_bytes:
            raise MessengerError("the photo is too large")
        url = f"{self.base}/file/bot{self.token}/{path}"
        try:
            async with self.client.stream("GET", url) as response:
                if not response.is_success:
                    raise MessengerError(f"telegram file: HTTP {response.status_code}")
                data = b""
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) > max_bytes:
                        raise MessengerError("the photo is too large")
        except httpx.HTTPError as exc:
            raise MessengerError(f"telegram file: {type(exc).__name__}") from exc
        return data, path.rsplit("/", 1)[-1]
