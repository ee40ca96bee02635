"""What the conversation rules work with: an incoming message, the chat's state, replies with
buttons, and the action (a call to the hromada's API) a step asks for."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

Kind = Literal["text", "command", "button", "photo", "other"]


@dataclass(frozen=True)
class Incoming:
    """One thing a person did in the chat, whatever the messenger."""

    kind: Kind
    text: str = ""  # the text, a command's argument, or a button's data
    command: str = ""  # without the slash, lower case
    photo: str | None = None  # the messenger's file id


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # Telegram allows 64 bytes of callback data


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (label, url): buttons that open a web page


@dataclass(frozen=True)
class Action:
    """Work for the use cases (it needs the API); the step has already moved the state."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChatState:
    step: str = "menu"
    draft: dict[str, Any] = field(default_factory=dict)

    def to(self, step: str, **draft: Any) -> ChatState:
        return replace(self, step=step, draft={**self.draft, **draft})


MENU = ChatState()


@dataclass(frozen=True)
class Decision:
    state: ChatState
    replies: tuple[Reply, ...] = ()
    action: Action | None = None
    locale: str | None = None  # set when the person switched the language
