"""Steps the browser tests and `make screenshots` share: Debian's Chromium and how to start it,
opening a page while components of the shared stack restart, and the dev sign-in page."""

from __future__ import annotations

import os
import time

from playwright.sync_api import Error, Page

CHROMIUM = os.environ.get("HROMADA_CHROMIUM", "/usr/bin/chromium")
# No background traffic: this machine's closed network refuses it, many connections at a time.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
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
