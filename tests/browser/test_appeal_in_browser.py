"""A resident files an appeal in the browser, is shown the gateway's field errors first, then
sees the registered appeal and its timeline; an official of the council answers it and the
resident sees the answer."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests import attachment_files as files
from tests.browser.pages import sign_in, visit
from tests.e2e.retrying import send
from tests.stack import Gateway

COUNCIL = "chernivtsi"


def test_a_resident_files_an_appeal_and_an_official_answers_it(
    open_browser: Callable[[], Page], unique: str, tmp_path: Path
) -> None:
    resident = open_browser()
    sign_in(resident, "citizen", COUNCIL, f"web-citizen-{unique}")
    resident.get_by_role("navigation").get_by_role("link", name="Звернення").click()
    resident.get_by_role("link", name="Подати звернення").first.click()

    # Nothing filled in: the appeals service's field errors show next to their fields.
    resident.get_by_role("button", name="Надіслати").click()
    expect(resident.locator("#e-subject")).to_be_visible()
    expect(resident.get_by_label("Тема")).to_have_attribute("aria-invalid", "true")

    subject = f"Не світить ліхтар {unique}"
    resident.get_by_label("Тема").fill(subject)
    resident.get_by_label("Текст звернення").fill("На вулиці Головній не світить ліхтар.")
    resident.get_by_label("Адреса проживання").fill("м. Чернівці, вул. Головна, 2")
    resident.get_by_label("Електронна пошта для відповіді").fill("olena@example.ua")
    resident.get_by_role("button", name="Надіслати").click()

    expect(resident.get_by_role("status")).to_have_text("Звернення зареєстровано")
    expect(resident.get_by_role("heading", level=1)).to_contain_text(subject)
    expect(resident.locator(".timeline li")).to_have_count(1)
    expect(resident.locator(".timeline")).to_contain_text("зареєстровано")
    appeal_url = resident.url.split("?")[0]
    number = re.sub(r":.*", "", resident.get_by_role("heading", level=1).inner_text())

    # A photo attached on the appeal's page is listed there by its name, here and for the staff.
    photo = tmp_path / "likhtar.png"
    photo.write_bytes(files.png(8, 8))
    resident.get_by_label("Додати файл").set_input_files(str(photo))
    resident.get_by_role("button", name="Надіслати").click()
    expect(resident.get_by_role("status")).to_have_text("Файл додано")
    expect(resident.get_by_role("link", name="likhtar.png")).to_be_visible()

    official = open_browser()
    sign_in(official, "official", COUNCIL, f"web-official-{unique}", name="Іван Петренко")
    official.get_by_role("navigation").get_by_role("link", name="Вхідні звернення").click()
    official.get_by_label("Пошук").fill(unique)  # the inbox is long on a shared stack
    official.get_by_role("button", name="Пошук").click()
    official.get_by_role("link", name=number).click()
    official.get_by_text("Відповісти", exact=True).first.click()  # opens the action
    official.get_by_label("Відповідь").fill("Ліхтар замінено 25 листопада.")
    official.get_by_role("button", name="Відповісти").click()
    expect(official.get_by_role("status")).to_have_text("Готово.")
    expect(official.locator(".timeline")).to_contain_text("надано відповідь")
    expect(official.get_by_role("link", name="likhtar.png")).to_be_visible()

    visit(resident, appeal_url)
    expect(resident.locator(".answer")).to_contain_text("Ліхтар замінено 25 листопада.")
    expect(resident.locator(".timeline li")).to_have_count(2)


def test_another_councils_official_cannot_open_the_appeal(
    open_browser: Callable[[], Page], gateway: Gateway, unique: str
) -> None:
    body = {
        "kind": "statement",
        "subject": f"Сміття {unique}",
        "text": "Не вивезли сміття.",
        "address": "м. Чернівці, вул. Руська, 5",
        "email": "olena@example.ua",
    }
    resident = gateway.citizen(f"web-isolated-{unique}")
    filed = send(gateway, "POST", f"/api/v1/{COUNCIL}/appeals", json=body, headers=resident)
    assert filed.status_code == 201, filed.text

    stranger = open_browser()
    sign_in(stranger, "official", "uzhhorod", f"web-stranger-{unique}")
    answer = stranger.goto(f"/app/{COUNCIL}/appeals/{filed.json()['id']}")

    assert answer is not None and answer.status in (403, 404)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Щось пішло не так")
    expect(stranger.get_by_text(f"Сміття {unique}")).to_have_count(0)
    expect(stranger.get_by_role("button", name="Відповісти")).to_have_count(0)
