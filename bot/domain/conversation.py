"""The conversation as a small state machine per chat: `step(state, incoming, context)` says
what to answer, where the chat is now and which API call (an `Action`) the use cases must make.

menu ─ appeal: subject → text → address → (contact) → photo (or none) → confirm → submitted
     ├ services: a service (fee, documents) → book → a free time → booked
     └ my appeals, news, petitions, budget, notifications: one answer, back to the menu

Commands and menu buttons work from any step (they leave a half-filled appeal); anything the
current step does not expect gets a hint or the help text, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain.model import MENU, Action, Button, ChatState, Decision, Incoming, Reply
from bot.domain.texts import LOCALES, say

MENU_ITEMS = ("appeal", "my_appeals", "news", "services", "petitions", "budget", "inbox")
NEEDS_LINK = frozenset({"appeal", "my_appeals", "inbox"})
SHORTCUTS = {
    "appeal": "appeal",
    "myappeals": "my_appeals",
    "news": "news",
    "services": "services",
    "petitions": "petitions",
    "budget": "budget",
    "inbox": "inbox",
}
# The appeals service's limits (Law on Citizens' Appeals, Art. 5: subject, substance, address).
LIMITS = {"subject": (3, 300), "text": (10, 20_000), "address": (5, 500)}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,19}$")
SKIP_PHOTO_WORDS = frozenset({"без фото", "no photo", "skip", "ні", "no", "-"})


@dataclass(frozen=True)
class Context:
    locale: str = "uk"
    linked: bool = False
    contact: str | None = None  # the linked citizen's email, if the cabinet gave one
    cabinet: str = ""  # the council's pages in the cabinet, where a chat is linked


def menu_reply(locale: str, text_key: str = "welcome") -> Reply:
    labels = [Button(say(f"menu.{item}", locale), f"menu:{item}") for item in MENU_ITEMS]
    other = "en" if locale == "uk" else "uk"
    labels.append(Button(say("menu.lang", locale), f"lang:{other}"))
    rows = tuple(tuple(labels[i : i + 2]) for i in range(0, len(labels), 2))
    return Reply(say(text_key, locale), rows)


def _menu(locale: str, text_key: str = "welcome", *before: Reply) -> Decision:
    return Decision(MENU, (*before, menu_reply(locale, text_key)))


def _help(locale: str) -> Decision:
    return _menu(locale, "help")


def step(state: ChatState, incoming: Incoming, context: Context) -> Decision:
    locale = context.locale
    if incoming.kind == "command":
        return _command(incoming, context)
    if incoming.kind == "button":
        data = incoming.text
        if data.startswith("menu:"):
            return open_item(data.removeprefix("menu:"), context)
        if data.startswith("lang:"):
            return _switch_language(data.removeprefix("lang:"))
        if data == "cancel":
            return _menu(locale, "welcome", Reply(say("cancelled", locale)))
        if data.startswith("svc:"):
            return Decision(MENU, action=Action("service_detail", {"code": data[4:]}))
        if data.startswith("book:"):
            if not context.linked:
                return _menu(locale, "welcome", _need_link(context))
            return Decision(MENU, action=Action("offer_slots", {"code": data[5:]}))
    handler = STEPS.get(state.step)
    if handler is None:
        return _help(locale)
    return handler(state, incoming, locale)


def _command(incoming: Incoming, context: Context) -> Decision:
    locale, name, arg = context.locale, incoming.command, incoming.text.strip()
    if name == "start" and arg:
        return Decision(MENU, action=Action("link", {"code": arg}))
    if name in ("start", "menu"):
        return _menu(locale)
    if name == "lang":
        return _switch_language(arg.lower()) if arg else _menu(locale, "help")
    if name == "cancel":
        return _menu(locale, "welcome", Reply(say("cancelled", locale)))
    if name in SHORTCUTS:
        return open_item(SHORTCUTS[name], context)
    return _help(locale)


def _switch_language(locale: str) -> Decision:
    if locale not in LOCALES:
        return Decision(MENU, (Reply(say("lang.unknown", "uk")),))
    return Decision(MENU, (Reply(say("lang.set", locale)), menu_reply(locale)), locale=locale)


def _need_link(context: Context) -> Reply:
    if not context.cabinet:
        return Reply(say("need_link", context.locale))
    cabinet = (say("open_cabinet", context.locale), f"{context.cabinet}/me")
    return Reply(say("need_link", context.locale), links=(cabinet,))


def open_item(item: str, context: Context) -> Decision:
    """A menu button or its command: start a flow, or ask the use cases for a list."""
    locale = context.locale
    if item not in MENU_ITEMS:
        return _help(locale)
    if item in NEEDS_LINK and not context.linked:
        return _menu(locale, "welcome", _need_link(context))
    if item == "appeal":
        draft = {"contact": context.contact} if context.contact else {}
        return Decision(ChatState("appeal.subject", draft), (_ask("appeal.subject", locale),))
    return Decision(MENU, action=Action(item))


def _ask(key: str, locale: str, *buttons: Button) -> Reply:
    cancel = Button(say("cancel", locale), "cancel")
    return Reply(say(key, locale), ((*buttons, cancel),))


def _text_field(name: str, value: str, locale: str) -> Reply | None:
    """A hint when `value` is not a usable subject, text or address; None when it is."""
    shortest, longest = LIMITS[name]
    if len(value) < shortest:
        return Reply(say("too_short", locale))
    if len(value) > longest:
        return Reply(say("too_long", locale, limit=longest))
    return None


def _expect_text(state: ChatState, incoming: Incoming, locale: str) -> str | Decision:
    if incoming.kind != "text" or not incoming.text.strip():
        return Decision(state, (Reply(say("expect_text", locale)),))
    return incoming.text.strip()


def _on_subject(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    return _fill(state, incoming, locale, "subject", "appeal.text")


def _on_text(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    return _fill(state, incoming, locale, "text", "appeal.address")


def _on_address(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    after = "appeal.photo" if state.draft.get("contact") else "appeal.contact"
    return _fill(state, incoming, locale, "address", after)


def _fill(state: ChatState, incoming: Incoming, locale: str, name: str, after: str) -> Decision:
    value = _expect_text(state, incoming, locale)
    if isinstance(value, Decision):
        return value
    hint = _text_field(name, value, locale)
    if hint is not None:
        return Decision(state, (hint,))
    return _ask_next(state.to(after, **{name: value}), locale)


def _ask_next(state: ChatState, locale: str) -> Decision:
    if state.step == "appeal.photo":
        skip = Button(say("appeal.no_photo", locale), "nophoto")
        return Decision(state, (_ask("appeal.photo", locale, skip),))
    if state.step == "appeal.confirm":
        return Decision(state, (confirmation(state, locale),))
    return Decision(state, (_ask(state.step, locale),))


def is_contact(value: str) -> bool:
    return bool(_EMAIL.match(value) or _PHONE.match(value))


def _on_contact(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    value = _expect_text(state, incoming, locale)
    if isinstance(value, Decision):
        return value
    if not is_contact(value):
        return Decision(state, (Reply(say("bad_contact", locale)),))
    return _ask_next(state.to("appeal.photo", contact=value), locale)


def _on_photo(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    if incoming.kind == "photo" and incoming.photo:
        return _ask_next(state.to("appeal.confirm", photo=incoming.photo), locale)
    skipped = incoming.kind == "button" and incoming.text == "nophoto"
    if skipped or incoming.text.strip().lower() in SKIP_PHOTO_WORDS:
        return _ask_next(state.to("appeal.confirm", photo=None), locale)
    return Decision(state, (Reply(say("expect_photo", locale)),))


def confirmation(state: ChatState, locale: str) -> Reply:
    draft = state.draft
    photo = say("photo.attached" if draft.get("photo") else "photo.none", locale)
    text = say(
        "appeal.confirm",
        locale,
        subject=draft["subject"],
        text=_excerpt(draft["text"], 500),
        address=draft["address"],
        photo=photo,
    )
    buttons = (Button(say("send", locale), "send"), Button(say("cancel", locale), "cancel"))
    return Reply(text, (buttons,))


def _on_confirm(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    if incoming.kind == "button" and incoming.text == "send":
        return Decision(MENU, action=Action("submit_appeal", dict(state.draft)))
    return Decision(state, (Reply(say("expect_button", locale)), confirmation(state, locale)))


def _on_slot(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    options = state.draft.get("options") or []
    if incoming.kind == "button" and incoming.text.startswith("slot:"):
        index = incoming.text.removeprefix("slot:")
        if index.isdigit() and int(index) < len(options):
            return Decision(MENU, action=Action("book", dict(options[int(index)])))
    return Decision(state, (Reply(say("expect_button", locale)),))


def _on_menu(state: ChatState, incoming: Incoming, locale: str) -> Decision:
    return _help(locale)


def _excerpt(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


Step = Callable[[ChatState, Incoming, str], Decision]
STEPS: dict[str, Step] = {
    "menu": _on_menu,
    "appeal.subject": _on_subject,
    "appeal.text": _on_text,
    "appeal.address": _on_address,
    "appeal.contact": _on_contact,
    "appeal.photo": _on_photo,
    "appeal.confirm": _on_confirm,
    "booking.slot": _on_slot,
}
