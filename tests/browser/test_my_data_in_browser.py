"""My data: a resident downloads everything the suite keeps about them, and gets a one-time
code that links the council's Telegram bot to them."""

from __future__ import annotations

import json

from playwright.sync_api import Page

from tests.browser.pages import sign_in


def test_a_resident_downloads_their_data_and_links_the_telegram_bot(
    page: Page, unique: str
) -> None:
    sign_in(page, "citizen", "kamianske", f"web-mydata-{unique}")
    page.get_by_role("navigation").get_by_role("link", name="Мої дані").click()

    with page.expect_download() as download:
        page.get_by_role("link", name="Завантажити всі мої дані (JSON)").click()
    exported = json.loads(download.value.path().read_text())
    assert exported["format"].startswith("hromada.personal-data-export")

    page.get_by_role("button", name="Під'єднати Telegram").click()
    code = page.locator("#link-code").inner_text()
    link = page.get_by_role("link", name="Відкрити бота в Telegram")
    href = link.get_attribute("href") or ""
    assert href.startswith("https://t.me/") and href.endswith(f"?start={code}")
