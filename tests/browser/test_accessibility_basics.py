"""WCAG 2.1 AA basics on the main pages, checked in the browser: the page language, a skip
link that is the first stop of the keyboard, a visible focus ring, a label for every field,
and no sideways scrolling on a phone screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in, visit

PAGES = (
    "/app/chernivtsi/",
    "/app/chernivtsi/appeals/new",
    "/app/chernivtsi/petitions",
    "/app/chernivtsi/budget",
    "/app/chernivtsi/asc/offices/cnap-centre?service=passport-id",
    "/app/chernivtsi/payments",
    "/app/chernivtsi/preferences",
)
UNLABELLED_FIELDS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
  .map(el => el.name)"""


@pytest.fixture
def resident(open_browser: Callable[[], Page], unique: str) -> Page:
    page = open_browser()
    sign_in(page, "citizen", "chernivtsi", f"web-a11y-{unique}")
    return page


@pytest.mark.parametrize("path", PAGES)
def test_language_skip_link_focus_and_labels(resident: Page, path: str) -> None:
    visit(resident, path)

    assert resident.locator("html").get_attribute("lang") == "uk"
    resident.keyboard.press("Tab")
    skip = resident.get_by_role("link", name="Перейти до змісту")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline not in ("", "none")
    assert resident.evaluate(UNLABELLED_FIELDS) == []


def test_english_is_one_click_away_and_marks_the_page_language(resident: Page) -> None:
    visit(resident, "/app/chernivtsi/appeals/new")
    resident.get_by_role("link", name="English").click()

    assert resident.locator("html").get_attribute("lang") == "en"
    expect(resident.get_by_role("heading", level=1)).to_have_text("File an appeal")


def test_a_phone_screen_needs_no_sideways_scrolling(resident: Page) -> None:
    resident.set_viewport_size({"width": 360, "height": 740})
    for path in PAGES:
        visit(resident, path)
        overflow = resident.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path
