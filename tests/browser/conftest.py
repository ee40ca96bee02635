"""Browser fixtures: Debian's Chromium driven by Python Playwright against the running stack,
through the gateway (the web app is served at /app/). `scripts/ensure_chromium.sh` installs
Chromium; Playwright's own browser downloads are never used."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, sync_playwright

from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS
from tests.stack import Gateway, stack_status

NEEDED = ("gateway", "web", "appeals", "petitions", "budget", "queue", "payments")


@pytest.fixture(scope="session")
def status() -> dict[str, Any]:
    current = stack_status()
    unhealthy = [n for n in NEEDED if not current.get(n, {}).get("healthy")]
    if unhealthy:
        pytest.fail(f"the local stack is not healthy: {unhealthy}; run `make up`")
    return current


@pytest.fixture(scope="session")
def base_url(status: dict[str, Any]) -> str:
    return str(status["gateway"]["url"]).rstrip("/")


@pytest.fixture(scope="session")
def gateway(base_url: str) -> Gateway:
    return Gateway(base_url)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def open_browser(playwright: Playwright, base_url: str) -> Iterator[Callable[[], Page]]:
    """A fresh Chromium (own user-data dir, so own cookies) per call: one per person in a test."""
    opened: list[tuple[BrowserContext, tempfile.TemporaryDirectory[str]]] = []

    def open_one() -> Page:
        profile = tempfile.TemporaryDirectory(prefix="hromada-chromium-")
        context = playwright.chromium.launch_persistent_context(
            profile.name,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            base_url=base_url,
            locale="uk-UA",
        )
        context.set_default_timeout(30_000)
        opened.append((context, profile))
        return context.pages[0] if context.pages else context.new_page()

    yield open_one
    for context, profile in opened:
        context.close()
        profile.cleanup()


@pytest.fixture
def page(open_browser: Callable[[], Page]) -> Page:
    return open_browser()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]
