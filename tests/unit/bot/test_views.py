"""How API answers are shown in the chat: the council's clock, fees in hryvnias, statuses."""

from __future__ import annotations

from bot.domain import views


def test_times_are_shown_on_the_councils_clock() -> None:
    assert views.local_time("2026-11-24T07:00:00Z") == "24.11.2026 09:00"  # Kyiv is UTC+2
    assert views.local_time("2026-07-01T07:00:00+00:00") == "01.07.2026 10:00"  # summer time
    assert views.local_time("not a date") == "not a date"


def test_a_fee_is_shown_in_hryvnias_and_a_free_service_says_so() -> None:
    paid = {"code": "p", "paid": True, "fee": {"amount": 78200, "currency": "UAH"}}
    assert views.fee_text(paid, "uk") == "782.00 UAH"
    assert views.fee_text({"code": "f", "paid": False, "fee": None}, "en") == "free of charge"
    detail = views.service_detail({**paid, "name": {"uk": "Паспорт"}, "documents": ["ID"]}, "uk")
    assert "Паспорт" in detail.text and "• ID" in detail.text
    assert detail.buttons[0][0].data == "book:p"


def test_my_appeals_show_number_and_status_in_the_persons_language() -> None:
    items = [{"number": "CH-1", "subject": "Яма", "status": "answered"}]
    assert "CH-1" in views.my_appeals(items, "uk").text
    assert "надано відповідь" in views.my_appeals(items, "uk").text
    assert "answered" in views.my_appeals(items, "en").text
    assert views.my_appeals([], "en").text == "You have no appeals yet."


def test_petitions_link_to_the_cabinet_where_signing_happens() -> None:
    items = [{"id": "p1", "title": "Парк", "signature_count": 10, "threshold": 250}]
    reply = views.petitions(items, "https://cabinet/chernivtsi", "uk")
    assert "10/250" in reply.text and "BankID" in reply.text
    assert reply.links == (("Парк", "https://cabinet/chernivtsi/petitions/p1"),)
    assert not reply.buttons  # nothing to sign in the chat


def test_registration_shows_the_number_and_the_due_date() -> None:
    reply = views.registered({"number": "CH-7", "due_at": "2026-12-23T10:00:00Z"}, "uk")
    assert reply.text == "Звернення зареєстровано: № CH-7. Відповідь — до 23.12.2026."
