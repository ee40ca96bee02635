"""`make screenshots`: PNGs of the web frontend's main pages under web/screenshots/ (gitignored),
taken with Debian's Chromium through the gateway of the running stack. It signs in through the
dev sign-in page and files one appeal so the appeal pages have something to show."""

from __future__ import annotations

import argparse
import os
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS, visit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "web" / "screenshots"
COUNCIL = "chernivtsi"


def sign_in(page: Page, role: str, sub: str) -> None:
    visit(page, "/app/sign-in")
    page.get_by_label("Громада").select_option(COUNCIL)
    page.locator(f"input[name=role][value={role}]").check()
    page.get_by_label("Ідентифікатор (необов'язково)").fill(sub)
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_load_state()


def shoot(page: Page, name: str, path: str | None = None) -> None:
    if path:
        visit(page, path)
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"web/screenshots/{name}.png")


def citizen_pages(page: Page, run: str) -> None:
    shoot(page, "01-landing", "/app/")
    shoot(page, "02-sign-in", "/app/sign-in")
    sign_in(page, "citizen", f"screens-{run}")
    shoot(page, "03-home", f"/app/{COUNCIL}/")
    visit(page, f"/app/{COUNCIL}/appeals/new")
    page.get_by_role("button", name="Надіслати").click()
    shoot(page, "04-appeal-form-errors")
    page.get_by_label("Тема").fill("Ремонт тротуару")
    page.get_by_label("Текст звернення").fill("Прошу відремонтувати тротуар біля школи № 5.")
    page.get_by_label("Адреса проживання").fill("м. Чернівці, вул. Головна, 10")
    page.get_by_label("Електронна пошта для відповіді").fill("olena@example.ua")
    page.get_by_role("button", name="Надіслати").click()
    shoot(page, "05-appeal-timeline")
    shoot(page, "06-my-appeals", f"/app/{COUNCIL}/appeals")
    shoot(page, "07-petitions", f"/app/{COUNCIL}/petitions")
    shoot(page, "08-budget", f"/app/{COUNCIL}/budget")
    shoot(page, "09-asc", f"/app/{COUNCIL}/asc")
    shoot(page, "10-asc-office", f"/app/{COUNCIL}/asc/offices/cnap-centre?service=passport-id")
    shoot(page, "11-payments", f"/app/{COUNCIL}/payments?resolution=DEMO-100200")
    shoot(page, "12-inbox", f"/app/{COUNCIL}/inbox")
    shoot(page, "13-preferences", f"/app/{COUNCIL}/preferences")
    shoot(page, "14-news", f"/app/{COUNCIL}/news")
    visit(page, f"/app/lang/en?next=/app/{COUNCIL}/appeals")
    shoot(page, "15-my-appeals-english")


def staff_pages(page: Page, run: str) -> None:
    sign_in(page, "official", f"screens-official-{run}")
    shoot(page, "20-official-inbox", f"/app/{COUNCIL}/appeals")
    page.locator("table a").first.click()
    shoot(page, "21-official-appeal-actions")
    shoot(page, "22-moderation", f"/app/{COUNCIL}/petitions?status=moderation")
    shoot(page, "23-hall", f"/app/{COUNCIL}/asc/hall")
    shoot(page, "24-board", f"/app/{COUNCIL}/asc/offices/cnap-centre/board")


def admin_pages(page: Page, run: str) -> None:
    sign_in(page, "tenant_admin", f"screens-admin-{run}")
    shoot(page, "30-council-settings", f"/app/{COUNCIL}/settings")
    shoot(page, "31-cycle-setup", f"/app/{COUNCIL}/admin/cycles/new")


def cdto_pages(page: Page, run: str) -> None:
    sign_in(page, "platform_admin", f"screens-cdto-{run}")
    shoot(page, "40-regional-dashboard", "/app/region/dashboard")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--gateway", default=os.environ.get("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().hex[:8]
    with sync_playwright() as driver:
        for flow, viewport in (
            (citizen_pages, {"width": 1280, "height": 900}),
            (staff_pages, {"width": 1280, "height": 900}),
            (admin_pages, {"width": 1280, "height": 900}),
            (cdto_pages, {"width": 1280, "height": 900}),
        ):
            with tempfile.TemporaryDirectory(prefix="hromada-screens-") as profile:
                context = driver.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                    base_url=args.gateway, viewport=viewport, locale="uk-UA",
                )  # fmt: skip
                flow(context.pages[0] if context.pages else context.new_page(), run)
                context.close()
        with tempfile.TemporaryDirectory(prefix="hromada-screens-") as profile:
            phone = driver.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                base_url=args.gateway, viewport={"width": 390, "height": 844},
                device_scale_factor=2, is_mobile=True, has_touch=True, locale="uk-UA",
            )  # fmt: skip
            page = phone.pages[0] if phone.pages else phone.new_page()
            sign_in(page, "citizen", f"screens-phone-{run}")
            shoot(page, "50-phone-home", f"/app/{COUNCIL}/")
            shoot(page, "51-phone-appeal-form", f"/app/{COUNCIL}/appeals/new")
            phone.close()


if __name__ == "__main__":
    main()
