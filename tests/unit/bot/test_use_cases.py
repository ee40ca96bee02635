"""Handling updates: once per update id, rate-limited per chat, linking only in the code's own
council and only once, the conversation stored with its expiry, never a crash."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from bot.domain.model import MENU
from bot.repository import chat_key
from chassis.auth import Principal
from tests.unit.bot.fakes import build

CITIZEN = Principal(sub="sub-1", name="Олена Коваль", email="olena@example.ua", roles=frozenset({"citizen"}), acr="substantial")  # fmt: skip
CHAT = 4242
_ids = iter(range(1, 10_000))


def text(value: str, chat: int = CHAT) -> dict[str, Any]:
    return {"update_id": next(_ids), "message": {"chat": {"id": chat}, "text": value}}


def press(data: str, chat: int = CHAT) -> dict[str, Any]:
    query = {"id": f"cb{next(_ids)}", "data": data, "message": {"chat": {"id": chat}}}
    return {"update_id": next(_ids), "callback_query": query}


async def say(use_cases: Any, tenant: str, *updates: dict[str, Any]) -> None:
    for update in updates:
        await use_cases.receive(tenant, update)
        await use_cases.idle()


async def test_an_update_is_handled_once_even_when_telegram_retries_it() -> None:
    use_cases, _, messengers, _, _ = build()
    update = text("/news")
    assert await use_cases.receive("chernivtsi", update)
    assert not await use_cases.receive("chernivtsi", update)
    await use_cases.idle()
    assert messengers["chernivtsi"].texts() == [
        "Новини громади:\n\n23.11.2026 · Ремонт мосту\nЗ понеділка"
    ]


async def test_an_unlinked_person_reads_the_news_anonymously() -> None:
    use_cases, _, messengers, gateway, _ = build()
    await say(use_cases, "chernivtsi", press("menu:news"))
    assert "Ремонт мосту" in messengers["chernivtsi"].texts()[0]
    news_call = next(r for r in gateway.requests if r.url.path.endswith("/notify/news"))
    assert "authorization" not in news_call.headers
    assert messengers["chernivtsi"].acknowledged  # the button press is acknowledged


async def test_linking_ties_the_chat_and_turns_on_messenger_notices() -> None:
    use_cases, repository, messengers, gateway, _ = build()
    link = await use_cases.linking.issue_code("chernivtsi", CITIZEN, "hromada_bot")
    assert link["deep_link"].endswith(f"?start={link['code']}")
    await say(use_cases, "chernivtsi", text(f"/start {link['code']}"))
    chat = repository.chats[chat_key("chernivtsi", "telegram", str(CHAT))]
    assert chat["link"]["sub"] == "sub-1" and chat["link"]["email"] == "olena@example.ua"
    assert messengers["chernivtsi"].texts()[0].startswith("Готово, Олена!")
    assert gateway.preferences["telegram"] is True
    assert gateway.preferences["telegram_chat_id"] == str(CHAT)
    assert gateway.preferences["email"] is True  # the rest of the preferences is kept
    token_request = json.loads(gateway.requests[0].content)
    assert token_request["sub"] == "sub-1" and token_request["acr"] == "low"


async def test_a_code_of_tenant_a_does_not_link_a_chat_in_tenant_bs_bot() -> None:
    use_cases, repository, messengers, _, _ = build()
    link = await use_cases.linking.issue_code("chernivtsi", CITIZEN, "hromada_bot")
    await say(use_cases, "uzhhorod", text(f"/start {link['code']}"))
    assert "недійсний" in messengers["uzhhorod"].texts()[0]
    assert "link" not in repository.chats.get(chat_key("uzhhorod", "telegram", str(CHAT)), {})
    assert not repository.code_uses  # still usable in its own council


async def test_a_code_links_once_and_not_after_it_expires() -> None:
    use_cases, repository, messengers, _, clock = build()
    link = await use_cases.linking.issue_code("chernivtsi", CITIZEN, "hromada_bot")
    await say(use_cases, "chernivtsi", text(f"/start {link['code']}", chat=1))
    await say(use_cases, "chernivtsi", text(f"/start {link['code']}", chat=2))
    assert "уже використано" in messengers["chernivtsi"].sent[-2][1].text
    late = await use_cases.linking.issue_code("chernivtsi", CITIZEN, "hromada_bot")
    clock.now += timedelta(minutes=11)
    await say(use_cases, "chernivtsi", text(f"/start {late['code']}", chat=3))
    assert "застарів" in messengers["chernivtsi"].sent[-2][1].text
    assert "link" not in repository.chats[chat_key("chernivtsi", "telegram", "3")]


async def test_a_linked_resident_files_an_appeal_with_a_photo() -> None:
    use_cases, _, messengers, gateway, _ = build()
    link = await use_cases.linking.issue_code("chernivtsi", CITIZEN, "hromada_bot")
    photo = {"update_id": next(_ids), "message": {"chat": {"id": CHAT}, "photo": [{"file_id": "PHOTO"}]}}  # fmt: skip
    await say(
        use_cases, "chernivtsi", text(f"/start {link['code']}"), press("menu:appeal"),
        text("Яма на дорозі"), text("Велика яма біля будинку, небезпечно."),
        text("м. Чернівці, вул. Головна, 5"), photo, press("send"),
    )  # fmt: skip
    assert messengers["chernivtsi"].texts()[-1] == (
        "Звернення зареєстровано: № CH-1. Відповідь — до 23.12.2026."
    )
    filed = next(r for r in gateway.requests if r.url.path == "/api/v1/chernivtsi/appeals")
    assert json.loads(filed.content)["email"] == "olena@example.ua"
    assert filed.headers["idempotency-key"].startswith("bot:chernivtsi:telegram:4242:")
    assert "/api/v1/chernivtsi/appeals/a1/attachments" in gateway.paths("POST")


async def test_the_conversation_survives_in_the_store_and_expires_to_the_menu() -> None:
    use_cases, repository, _, _, clock = build()
    link = await use_cases.linking.issue_code("chernivtsi", CITIZEN, "hromada_bot")
    await say(use_cases, "chernivtsi", text(f"/start {link['code']}"), text("/appeal"))
    chat = await repository.chat("chernivtsi", "telegram", str(CHAT))
    assert repository.state_of(chat, clock.now).step == "appeal.subject"
    assert repository.state_of(chat, clock.now + timedelta(hours=25)) == MENU


async def test_too_many_messages_get_one_polite_answer_then_silence() -> None:
    use_cases, _, messengers, _, _ = build(per_minute=3)
    await say(use_cases, "chernivtsi", *(text("привіт") for _ in range(6)))
    texts = messengers["chernivtsi"].texts()
    assert len(texts) == 4 and texts[-1].startswith("Забагато повідомлень")


async def test_an_outage_is_a_polite_answer_and_the_update_is_done() -> None:
    use_cases, repository, messengers, gateway, _ = build()
    gateway.down = True
    update = text("/news")
    await say(use_cases, "chernivtsi", update)
    assert messengers["chernivtsi"].texts() == ["Сервіс тимчасово недоступний. Спробуйте пізніше."]
    assert all(u["status"] == "done" for u in repository.updates.values())


async def test_an_update_the_bot_cannot_read_is_marked_done_without_an_answer() -> None:
    use_cases, repository, messengers, _, _ = build()
    await say(use_cases, "chernivtsi", {"update_id": 99, "my_chat_member": {}})
    assert not messengers["chernivtsi"].sent
    assert repository.updates["chernivtsi:telegram:99"]["status"] == "done"


async def test_updates_left_unhandled_by_a_stopped_process_are_handled_by_the_sweep() -> None:
    use_cases, repository, messengers, _, _ = build()
    update = text("/menu")
    await repository.record_update(
        "chernivtsi", "telegram", update["update_id"], update, None, None
    )
    assert await use_cases.handle_unfinished(timedelta(seconds=30)) == 1
    assert messengers["chernivtsi"].texts()[0].startswith("Вітаємо!")
    assert await use_cases.handle_unfinished(timedelta(seconds=30)) == 0


async def test_an_answer_of_an_unexpected_shape_is_a_polite_reply() -> None:
    use_cases, repository, messengers, gateway, _ = build()
    gateway.odd = True
    await say(use_cases, "chernivtsi", text("/news"))
    assert messengers["chernivtsi"].texts() == ["Сервіс тимчасово недоступний. Спробуйте пізніше."]
    assert all(u["status"] == "done" for u in repository.updates.values())


async def test_a_button_pressed_over_the_limit_is_still_acknowledged() -> None:
    use_cases, _, messengers, _, _ = build(per_minute=1)
    await say(use_cases, "chernivtsi", text("привіт"), press("menu:news"), press("menu:news"))
    bot = messengers["chernivtsi"]
    assert len(bot.acknowledged) == 2 and len(bot.texts()) == 2  # help, then "slow down"
    assert bot.texts()[-1].startswith("Забагато повідомлень")


async def test_a_malformed_update_is_marked_done_and_not_retried_forever() -> None:
    use_cases, repository, messengers, _, _ = build()
    odd = {"update_id": 77, "message": {"chat": {"id": CHAT}, "photo": ["not", "a", "dict"]}}
    await say(use_cases, "chernivtsi", odd)
    assert repository.updates["chernivtsi:telegram:77"]["status"] == "done"
    assert messengers["chernivtsi"].texts()[0].startswith("Я вмію")  # help, not a crash
