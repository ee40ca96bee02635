"""Telegram updates into chat events, keyboards, per-chat rate limits and link-code rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.link_codes import LinkCode, check_code, deep_link, looks_like_code, new_code
from bot.domain.model import Button, Reply
from bot.domain.rate_limit import ChatRateLimiter
from bot.telegram import keyboard, parse_update

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def message(**fields: object) -> dict[str, object]:
    return {"update_id": 7, "message": {"message_id": 1, "chat": {"id": 42}, **fields}}


def test_a_text_a_command_and_a_command_addressed_to_the_bot() -> None:
    event = parse_update(message(text="  привіт ", **{"from": {"language_code": "en"}}))
    assert event is not None and event.chat_id == "42" and event.update_id == 7
    assert (event.incoming.kind, event.incoming.text, event.language) == ("text", "привіт", "en")
    start = parse_update(message(text="/start AbC123"))
    assert start is not None and start.incoming.command == "start"
    assert start.incoming.text == "AbC123"
    addressed = parse_update(message(text="/Menu@hromada_bot"))
    assert addressed is not None and addressed.incoming.command == "menu"


def test_a_photo_takes_the_largest_size() -> None:
    photos = [{"file_id": "small", "width": 90}, {"file_id": "large", "width": 1280}]
    event = parse_update(message(photo=photos, caption="яма"))
    assert event is not None and event.incoming.kind == "photo"
    assert event.incoming.photo == "large" and event.incoming.text == "яма"


def test_a_button_press_carries_its_data_and_the_callback_to_acknowledge() -> None:
    update = {
        "update_id": 8,
        "callback_query": {
            "id": "cb-1",
            "from": {"id": 42, "language_code": "uk"},
            "data": "menu:news",
            "message": {"chat": {"id": 42}},
        },
    }
    event = parse_update(update)
    assert event is not None and event.callback_id == "cb-1"
    assert (event.incoming.kind, event.incoming.text) == ("button", "menu:news")


def test_updates_the_bot_does_not_handle_are_none_or_other() -> None:
    assert parse_update({"update_id": 9, "edited_message": {"chat": {"id": 1}}}) is None
    assert parse_update({"update_id": "9", "message": {"chat": {"id": 1}, "text": "x"}}) is None
    assert parse_update({"message": {"chat": {"id": 1}, "text": "x"}}) is None
    sticker = parse_update(message(sticker={"file_id": "s"}))
    assert sticker is not None and sticker.incoming.kind == "other"


def test_keyboard_has_callback_buttons_and_url_buttons() -> None:
    reply = Reply("x", ((Button("A", "a"), Button("B", "b")),), links=(("Cabinet", "https://c"),))
    assert keyboard(reply) == {
        "inline_keyboard": [
            [{"text": "A", "callback_data": "a"}, {"text": "B", "callback_data": "b"}],
            [{"text": "Cabinet", "url": "https://c"}],
        ]
    }
    assert keyboard(Reply("plain")) is None


def test_rate_limit_twenty_a_minute_then_one_warning_then_silence() -> None:
    limiter = ChatRateLimiter(per_minute=20)
    verdicts = [limiter.check("chat", 100.0 + i) for i in range(23)]
    assert verdicts[:20] == ["ok"] * 20
    assert verdicts[20:] == ["warn", "drop", "drop"]
    assert limiter.check("other chat", 123.0) == "ok"
    assert limiter.check("chat", 160.5) == "ok"  # the first message left the window
    assert limiter.check("chat", 160.6) == "warn"  # full again: warned once more


def test_link_codes_are_long_random_and_url_safe() -> None:
    codes = {new_code() for _ in range(100)}
    assert len(codes) == 100
    assert all(looks_like_code(c) and len(c) >= 24 for c in codes)
    assert not looks_like_code("short") and not looks_like_code("a b c d e f g h i j k")
    code = next(iter(codes))
    assert deep_link("hromada_bot", code) == f"https://t.me/hromada_bot?start={code}"


def test_a_code_works_only_in_its_own_council_and_only_before_it_expires() -> None:
    code = LinkCode(
        "c" * 24, "chernivtsi", "sub-1", "Олена", None, None, NOW + timedelta(minutes=10)
    )
    assert check_code(code, "chernivtsi", NOW) == "ok"
    assert check_code(code, "uzhhorod", NOW) == "other_council"
    assert check_code(code, "chernivtsi", NOW + timedelta(minutes=10)) == "expired"
    assert check_code(None, "chernivtsi", NOW) == "invalid"


def test_group_chats_are_ignored_so_no_group_acts_as_a_resident() -> None:
    group = {"id": -100123, "type": "supergroup"}
    assert parse_update({"update_id": 1, "message": {"chat": group, "text": "/start CODE"}}) is None
    query = {"id": "q", "data": "send", "message": {"chat": group}}
    assert parse_update({"update_id": 2, "callback_query": query}) is None
    private = {"id": 5, "type": "private"}
    assert parse_update({"update_id": 3, "message": {"chat": private, "text": "x"}}) is not None
