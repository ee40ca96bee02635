"""The messenger bot on the real stack, as a linked resident uses it: link the chat from the
cabinet, file an appeal with a photo in the chat, get its registration number there and later
the official's answer (through notify, from the council's own bot); the conversation survives a
restart of the bot; booking an ASC visit from the chat."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.retrying import send
from tests.e2e.test_bot_helpers import Chat, jpeg, link
from tests.stack import Gateway, stack, wait_for

pytestmark = pytest.mark.e2e
TENANT = "chernivtsi"


def resident(gateway: Gateway, unique: str) -> tuple[dict[str, str], str]:
    sub = f"bot-resident-{unique}"
    email = f"bot-{unique}@example.ua"
    return gateway.citizen(sub, "Олена Коваль", email=email, residence=TENANT), sub


def linked_chat(gateway: Gateway, headers: dict[str, str]) -> Chat:
    chat = Chat(gateway, TENANT)
    chat.say(f"/start {link(gateway, chat, headers)}")
    chat.wait_for_text("Готово, Олена!")
    return chat


def test_a_resident_files_an_appeal_with_a_photo_and_gets_the_number_and_the_answer(
    gateway: Gateway, unique: str, appeals_db: Any
) -> None:
    headers, sub = resident(gateway, unique)
    chat = linked_chat(gateway, headers)
    # Linking turned on notify's messenger channel for this chat, as the resident.
    prefs = send(gateway, "GET", f"/api/v1/{TENANT}/notify/preferences", headers=headers).json()
    assert prefs["telegram"] is True and prefs["telegram_chat_id"] == str(chat.chat_id)

    chat.press("menu:appeal")
    chat.wait_for_text("Звернення. Коротко")
    subject = f"Яма на дорозі {unique}"
    chat.say(subject)
    chat.wait_for_text("Опишіть суть")
    chat.say("Велика яма біля будинку №5, небезпечно для пішоходів і машин.")
    chat.wait_for_text("Ваша адреса")
    chat.say("м. Чернівці, вул. Головна, 5")
    chat.wait_for_text("Додайте фото")
    chat.send_photo(jpeg())
    chat.wait_for_text("Перевірте звернення", subject, "Фото: додано")
    chat.press("send")
    registered = chat.wait_for_text("Звернення зареєстровано: №")
    number = re.search(r"№ (\S+)\.", registered)
    assert number is not None
    number_text = number.group(1)

    appeal = wait_for(lambda: appeals_db.appeals.find_one({"number": number_text}), 30)
    assert appeal["citizen_sub"] == sub and appeal["subject"] == subject
    assert appeal["email"] == f"bot-{unique}@example.ua"  # from the cabinet, not retyped
    assert [a["content_type"] for a in appeal.get("attachments", [])] == ["image/jpeg"]

    official = gateway.staff(f"official-{unique}", TENANT)
    answer = f"Яму залатають до кінця тижня ({unique})."
    answered = send(
        gateway,
        "POST",
        f"/api/v1/{TENANT}/appeals/{appeal['_id']}/answer",
        json={"text": answer},
        headers=official,
    )
    assert answered.status_code == 200, answered.text
    notice = chat.wait_for_text(f"Відповідь на звернення № {number_text}")
    assert unique in notice  # the answer's summary, sent by notify through the council's bot

    chat.press("menu:my_appeals")
    chat.wait_for_text(number_text, "надано відповідь")


def test_an_appeal_half_written_survives_a_restart_of_the_bot(
    gateway: Gateway, unique: str
) -> None:
    headers, _ = resident(gateway, unique)
    chat = linked_chat(gateway, headers)
    chat.say("/appeal")
    chat.wait_for_text("Звернення. Коротко")
    chat.say(f"Не працює ліхтар {unique}")
    chat.wait_for_text("Опишіть суть")
    seen = len(chat.texts())

    stack("stop", "bot")
    stack("start", "bot")

    chat.say("Третій день не світить ліхтар біля зупинки.")  # retried through the restart
    chat.wait_for_text("Ваша адреса", after=seen)


def test_a_linked_resident_books_an_asc_visit_from_the_chat(gateway: Gateway, unique: str) -> None:
    headers, _ = resident(gateway, unique)
    chat = linked_chat(gateway, headers)
    chat.press("menu:services")
    chat.wait_for_text("Послуги ЦНАП")
    assert "svc:housing-subsidy" in chat.buttons("Послуги ЦНАП")
    chat.press("svc:housing-subsidy")
    chat.wait_for_text("безоплатно", "Документи")
    chat.press("book:housing-subsidy")
    chat.wait_for_text("Вільний час")
    assert "slot:0" in chat.buttons("Вільний час")
    chat.press("slot:0")
    chat.wait_for_text("Вас записано")
    bookings = send(gateway, "GET", f"/api/v1/{TENANT}/queue/bookings", headers=headers)
    assert [b["service_code"] for b in bookings.json()["items"]] == ["housing-subsidy"]


def test_data_rights_export_the_link_and_erasure_unlinks_the_chat(
    gateway: Gateway, unique: str
) -> None:
    headers, _ = resident(gateway, unique)
    chat = linked_chat(gateway, headers)
    exported = send(gateway, "GET", f"/api/v1/{TENANT}/me/export", headers=headers).json()
    (mine,) = exported["services"]["bot"]["chats"]
    assert mine["chat_id"] == str(chat.chat_id) and mine["messenger"] == "telegram"

    erased = send(gateway, "DELETE", f"/api/v1/{TENANT}/me", headers=headers).json()
    by_service = {e["service"]: e for e in erased["manifest"]}
    assert by_service["bot"]["erased"] == {"chats_unlinked": 1}
    seen = len(chat.texts())
    chat.say("/myappeals")
    chat.wait_for_text("потрібно пов'язати чат", after=seen)


def test_bot_figures_are_for_the_councils_staff_only(gateway: Gateway, unique: str) -> None:
    headers, _ = resident(gateway, unique)
    linked_chat(gateway, headers)
    own_staff = gateway.staff(f"stats-{unique}", TENANT)
    figures = send(gateway, "GET", f"/api/v1/{TENANT}/bot/stats", headers=own_staff).json()
    assert figures["linked_chats"] >= 1 and figures["chats"] >= figures["linked_chats"]
    other_staff = gateway.staff(f"stats-{unique}", "uzhhorod")
    refused = send(gateway, "GET", f"/api/v1/{TENANT}/bot/stats", headers=other_staff)
    assert refused.status_code == 403
    assert send(gateway, "GET", f"/api/v1/{TENANT}/bot/stats", headers=headers).status_code == 403
