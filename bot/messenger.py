"""The seam between the conversation and a messenger: the use cases speak to a `Messenger`
(Telegram today) that parses its webhook's body into `ChatEvent`s and sends replies. A Viber
adapter fits the same four calls (its REST API: `send_message` with a keyboard, no callback to
acknowledge, media by URL); it would add a webhook route that checks Viber's signature header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.domain.model import Incoming, Reply


@dataclass(frozen=True)
class ChatEvent:
    """One webhook update, messenger-neutral."""

    update_id: int
    chat_id: str
    incoming: Incoming
    language: str | None = None  # the messenger app's language, a hint for a new chat
    callback_id: str | None = None  # a pressed button to acknowledge


class MessengerError(Exception):
    """The messenger's API refused or could not be reached."""


class Messenger(Protocol):
    name: str

    def parse(self, update: dict[str, Any]) -> ChatEvent | None:
        """The webhook body as a chat event; None for what the bot does not handle."""
        ...

    async def send(self, chat_id: str, reply: Reply) -> None: ...

    async def acknowledge(self, callback_id: str) -> None: ...

    async def download(self, file_id: str, max_bytes: int) -> tuple[bytes, str]:
        """The file's bytes and a file name (photos a person sent)."""
        ...
