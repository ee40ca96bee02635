"""A resident signs a petition, votes in the participatory budget, and books a paid ASC visit
and pays for it at the provider's (sandbox) checkout, all in the browser. What the test needs
to exist first (a published petition, a cycle in voting, an office) is made through the API."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in, visit
from tests.e2e.retrying import send
from tests.e2e.test_budget_helpers import cycle_in_voting
from tests.integration.queue.offices import admin_claims, new_office_id, office_body, visit_day
from tests.stack import Gateway


def published_petition(gateway: Gateway, council: str, unique: str) -> str:
    author = gateway.citizen(f"web-author-{unique}", email="author@example.ua")
    body = {"title": f"Велодоріжка {unique}", "text": "Просимо облаштувати велодоріжку."}
    created = send(gateway, "POST", f"/api/v1/{council}/petitions", json=body, headers=author)
    assert created.status_code == 201, created.text
    petition_id = str(created.json()["id"])
    staff = gateway.staff(f"web-moderator-{unique}", council)
    published = send(
        gateway, "POST", f"/api/v1/{council}/petitions/{petition_id}/publish", headers=staff
    )
    assert published.status_code == 200, published.text
    return petition_id


def test_a_resident_signs_a_petition_once(page: Page, gateway: Gateway, unique: str) -> None:
    petition_id = published_petition(gateway, "uzhhorod", unique)
    sign_in(page, "citizen", "uzhhorod", f"web-signer-{unique}")
    page.get_by_role("navigation").get_by_role("link", name="Петиції").click()
    page.get_by_label("Пошук").fill(unique)
    page.get_by_role("button", name="Пошук").click()
    page.get_by_role("link", name=f"Велодоріжка {unique}").click()
    assert page.url.endswith(petition_id)

    page.get_by_role("button", name="Підписати").click()
    expect(page.get_by_role("status")).to_have_text("Ваш підпис враховано")
    page.get_by_role("button", name="Підписати").click()  # a second time: refused, and said so
    expect(page.get_by_role("alert")).to_contain_text("Підпис уже враховано")


def test_a_resident_votes_within_the_rules(page: Page, gateway: Gateway, unique: str) -> None:
    cycle_id, _ = cycle_in_voting(gateway, 2, tenant="uzhhorod")
    sign_in(page, "citizen", "uzhhorod", f"web-voter-{unique}")
    visit(page, f"/app/uzhhorod/budget/{cycle_id}")
    expect(page.get_by_text("голосування", exact=True)).to_be_visible()

    votes = page.get_by_role("button", name="Проголосувати")
    expect(votes).to_have_count(2)
    votes.first.click()
    expect(page.get_by_role("status")).to_have_text("Ваш голос враховано")
    expect(page.get_by_role("button", name="Проголосувати")).to_have_count(1)
    expect(page.locator(".facts")).to_contain_text("1 / 3")


@pytest.fixture
def office(gateway: Gateway) -> Iterator[str]:
    """An office of our own, so the shared demo offices' slots never run out; retired after."""
    oid = new_office_id()
    admin = {"Authorization": f"Bearer {gateway.token(**admin_claims('kamianske'))}"}
    path = f"/api/v1/kamianske/queue/offices/{oid}"
    created = send(gateway, "PUT", path, json=office_body(oid, 1), headers=admin)
    assert created.status_code == 200, created.text
    yield oid
    send(gateway, "PUT", path, json={**office_body(oid, 1), "active": False}, headers=admin)


def test_a_resident_books_a_paid_visit_and_pays(
    open_browser: Callable[[], Page], office: str, unique: str
) -> None:
    page = open_browser()
    sign_in(page, "citizen", "kamianske", f"web-visitor-{unique}")
    visit(page, f"/app/kamianske/asc/offices/{office}")
    page.get_by_label("Послуга").select_option("passport-id")
    page.get_by_label("Дата").fill(visit_day().isoformat())
    page.get_by_role("button", name="Показати вільний час").click()
    page.locator(".slots button").first.click()

    expect(page.locator("#booking-status")).to_have_text("очікує оплати")
    booking_url = page.url.split("?")[0]
    # The bill comes from payments over Kafka: until it exists the page says to wait.
    pay = page.get_by_role("link", name="Сплатити 345.00 грн")
    for _ in range(60):
        pay.click()
        if "/checkout/" in page.url:
            break
        page.wait_for_timeout(1000)
    expect(page.get_by_role("heading", name="LiqPay sandbox")).to_be_visible()
    page.get_by_role("button", name="Сплатити / Pay").click()
    expect(page.get_by_text("success")).to_be_visible()

    visit(page, booking_url)
    for _ in range(90):  # confirmed when queue hears payments' success event
        if page.locator("#booking-status").inner_text().strip() == "заброньовано":
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.locator("#booking-status")).to_have_text("заброньовано")
    page.get_by_role("link", name="Мої записи").click()
    expect(page.get_by_role("cell", name="заброньовано")).to_be_visible()
