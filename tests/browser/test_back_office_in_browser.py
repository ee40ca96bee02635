"""The back office in the browser: a resident creates a petition and an official of the council
publishes it from the moderation list; in the ASC hall an official issues a walk-in ticket,
calls it to a window and the hall's board shows it."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in, visit


def test_a_petition_goes_from_the_resident_through_moderation_to_collecting(
    open_browser: Callable[[], Page], unique: str
) -> None:
    resident = open_browser()
    sign_in(resident, "citizen", "kamianske", f"web-petitioner-{unique}")
    visit(resident, "/app/kamianske/petitions/new")
    resident.get_by_label("Назва").fill(f"Зупинка біля ліцею {unique}")
    resident.get_by_label("Текст петиції").fill("Просимо облаштувати зупинку з навісом.")
    resident.get_by_role("button", name="Надіслати").click()
    expect(resident.locator(".facts")).to_contain_text("на модерації")
    petition_url = resident.url.split("?")[0]

    official = open_browser()
    sign_in(official, "official", "kamianske", f"web-moderator-{unique}")
    official.get_by_role("navigation").get_by_role("link", name="Модерація петицій").click()
    official.get_by_label("Пошук").fill(unique)
    official.get_by_role("button", name="Пошук").click()
    official.get_by_role("link", name=f"Зупинка біля ліцею {unique}").click()
    official.get_by_role("button", name="Опублікувати").click()
    expect(official.locator(".facts")).to_contain_text("збір підписів")

    visit(resident, petition_url)
    expect(resident.locator(".facts")).to_contain_text("збір підписів")
    expect(resident.locator("#signature-count")).to_have_text("1")  # the author's own


def test_the_hall_calls_a_walk_in_ticket_and_the_board_shows_it(
    open_browser: Callable[[], Page], unique: str
) -> None:
    official = open_browser()
    sign_in(official, "official", "uzhhorod", f"web-hall-{unique}")
    official.get_by_role("navigation").get_by_role("link", name="Зала ЦНАП").click()
    official.get_by_label("Офіси та виїзди мобільного ЦНАП").select_option("cnap-centre")
    official.get_by_role("button", name="OK").click()

    official.get_by_label("Послуга").select_option("land-extract")
    official.get_by_role("button", name="Видати талон").click()
    issued = official.locator("#called strong").inner_text()
    assert issued.startswith("D-")  # the land extract's letter in the demo catalogue

    # The queue may hold earlier tickets of the day: call until ours is at a window.
    window = official.get_by_label("Вікно")
    for _ in range(50):
        window.select_option("3")
        official.get_by_role("button", name="Викликати наступного").click()
        called = official.locator("#called strong").inner_text()
        if called in (issued, "—"):
            break
    assert called == issued

    visit(official, "/app/uzhhorod/asc/offices/cnap-centre/board")
    expect(official.locator("table.board")).to_contain_text(issued)
