"""The messenger bot for everyone, and its edges: an unlinked person reads the council's news
and the ASC catalogue; only Telegram (the council's secret) may post updates; a retried update
is answered once; a link code works only in its own council's bot; unknown input gets help."""

from __future__ import annotations

import pytest

from tests.e2e.retrying import send
from tests.e2e.test_bot_helpers import Chat, bot_secret, link
from tests.stack import Gateway, assert_problem

pytestmark = pytest.mark.e2e


def test_an_unlinked_person_reads_the_news(gateway: Gateway, unique: str) -> None:
    title = f"Перекриття руху на мосту {unique}"
    official = gateway.staff(f"press-{unique}", "chernivtsi")
    published = send(
        gateway,
        "POST",
        "/api/v1/chernivtsi/notify/news",
        json={"title": title, "body": "З понеділка міст закрито на ремонт."},
        headers=official,
    )
    assert published.status_code == 201, published.text
    chat = Chat(gateway, "chernivtsi")
    chat.say("/start")
    chat.wait_for_text("Вітаємо!")
    chat.press("menu:news")
    chat.wait_for_text("Новини громади", title)


def test_an_unlinked_person_finds_a_service_with_its_fee_and_documents(gateway: Gateway) -> None:
    chat = Chat(gateway, "chernivtsi")
    chat.say("/lang en")
    chat.wait_for_text("The language is now English.")
    chat.say("/services")
    chat.wait_for_text("ASC services")
    chat.press("svc:foreign-passport")
    chat.wait_for_text("International passport", "782.00 UAH", "Documents")
    chat.press("book:foreign-passport")
    chat.wait_for_text("This needs your chat linked")  # booking is for a known person
    chat.press("menu:appeal")
    assert chat.wait_for_count(8)[-2].startswith("This needs your chat linked")


def test_petitions_and_budget_link_to_the_cabinet_and_unknown_input_gets_help(
    gateway: Gateway,
) -> None:
    chat = Chat(gateway, "uzhhorod")
    chat.say("що ти вмієш?")
    chat.wait_for_text("Я вмію")
    chat.press("menu:petitions")
    chat.wait_for_text("етиці")  # the list, or that none is collecting now
    chat.press("menu:budget")
    chat.wait_for_text("юджет")
    chat.press("something:unexpected")
    assert chat.wait_for_count(4)[-1].startswith("Я вмію")


def test_a_wrong_or_missing_webhook_secret_is_refused_and_nothing_is_processed(
    gateway: Gateway,
) -> None:
    chat = Chat(gateway, "chernivtsi")
    update = chat.message(text="/news")
    assert_problem(chat.post(update, secret="not-the-secret"), 403)
    assert_problem(chat.post(update, secret=None), 401)
    # Another council's secret is wrong here too.
    assert_problem(chat.post(update, secret=bot_secret("uzhhorod")), 403)
    # The refused update was never taken in: sent properly, it is new and answered.
    accepted = chat.post(update)
    assert accepted.status_code == 200 and accepted.json() == {"ok": True, "duplicate": False}
    chat.wait_for_text("Нов")


def test_a_retried_update_is_answered_once(gateway: Gateway) -> None:
    chat = Chat(gateway, "chernivtsi")
    update = chat.message(text="/help")
    assert chat.post(update).json()["duplicate"] is False
    assert chat.post(update).json()["duplicate"] is True
    chat.say("/lang en")
    chat.wait_for_text("The language is now English.")
    assert sum(text.startswith("Я вмію") for text in chat.texts()) == 1


def test_a_code_of_tenant_a_does_not_link_a_chat_in_tenant_bs_bot(
    gateway: Gateway, unique: str
) -> None:
    headers = gateway.citizen(f"bot-two-councils-{unique}", "Олена Коваль")
    in_chernivtsi = Chat(gateway, "chernivtsi")
    code = link(gateway, in_chernivtsi, headers)
    in_uzhhorod = Chat(gateway, "uzhhorod", chat_id=in_chernivtsi.chat_id)
    in_uzhhorod.say(f"/start {code}")
    in_uzhhorod.wait_for_text("Код недійсний")
    in_uzhhorod.say("/myappeals")
    in_uzhhorod.wait_for_text("потрібно пов'язати чат")
    # The code is still good where it belongs, and only once.
    in_chernivtsi.say(f"/start {code}")
    in_chernivtsi.wait_for_text("Готово, Олена!")
    again = Chat(gateway, "chernivtsi")
    again.say(f"/start {code}")
    again.wait_for_text("Цей код уже використано")


def test_a_link_code_needs_a_signed_in_citizen(gateway: Gateway) -> None:
    assert_problem(send(gateway, "POST", "/api/v1/chernivtsi/bot/links"), 401)
    official = gateway.staff("bot-official", "chernivtsi")
    refused = send(gateway, "POST", "/api/v1/chernivtsi/bot/links", headers=official)
    assert_problem(refused, 403)
