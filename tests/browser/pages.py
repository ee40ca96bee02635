"""Steps the browser tests share: opening a page while other engineers restart components of
the shared stack, and signing in through the dev sign-in page."""

from __future__ import annotations

import time

from playwright.sync_api import Error, Page

PATIENCE_S = 90.0
RESTARTING = (502, 503)


def visit(page: Page, path: str) -> None:
    """`page.goto`, repeated while the gateway or the web app is being restarted."""
    deadline = time.monotonic() + PATIENCE_S
    while True:
        try:
            response = page.goto(path)
        except Error as exc:
            if "ERR_CONNECTION" not in str(exc) or time.monotonic() > deadline:
                raise
        else:
            if response is None or response.status not in RESTARTING:
                return
            if time.monotonic() > deadline:
                return
        time.sleep(1.0)


def sign_in(page: Page, role: str, council: str, sub: str, name: str = "Олена Коваль") -> None:
    """Sign in through the dev sign-in form, as a person would (labels, not selectors)."""
    visit(page, "/app/sign-in")
    page.get_by_label("Громада").select_option(council)
    page.locator(f"input[name=role][value={role}]").check()
    page.get_by_label("Ім'я та прізвище").fill(name)
    page.get_by_label("Ідентифікатор (необов'язково)").fill(sub)
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_url(f"**/app/{council}/**")
