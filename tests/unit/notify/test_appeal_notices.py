"""Notices of the appeal workflow: extension (Art. 20: new date and reason), forwarding and
return (Art. 7), and the answer; each sent once per event, Ukrainian first, then English."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contracts.appeals import AppealAnswered, AppealExtended, AppealForwarded, AppealReturned
from contracts.envelope import EventEnvelope, EventModel
from tests.unit.notify.fakes import Notify

COMMON: dict[str, Any] = {
    "appeal_id": "a1",
    "number": "CHERNIVTSI-2026-7",
    "subject": "Світло у дворі",
    "status": "assigned",
    "citizen_sub": "c1",
    "citizen_name": "Олена Коваль",
    "email": "olena@example.ua",
    "due_at": datetime(2026, 4, 20, 8, 0, tzinfo=UTC),
    "at": datetime(2026, 3, 12, 9, 0, tzinfo=UTC),
}


def wrap(event: EventModel) -> EventEnvelope:
    return EventEnvelope.wrap(event, source="/hromada/appeals", subject="a1", tenant="chernivtsi")


async def test_art20_extension_notice_carries_the_new_due_date_and_reason_once() -> None:
    notify = Notify()
    envelope = wrap(
        AppealExtended(
            **COMMON,
            previous_due_at=datetime(2026, 4, 10, 8, 0, tzinfo=UTC),
            days=10,
            reason="Потрібен виїзд на місце",
        )
    )
    await notify.use_cases.handle(envelope)
    await notify.use_cases.handle(envelope)
    assert len(notify.emails) == 1
    text = notify.emails[0].text
    assert "20.04.2026" in text and "Потрібен виїзд на місце" in text
    assert text.index("продовжено") < text.index("extended")  # Ukrainian first


async def test_art7_forwarded_and_returned_notices_say_where_and_why() -> None:
    notify = Notify()
    await notify.use_cases.handle(
        wrap(
            AppealForwarded(**COMMON, forwarded_to="Чернівецька ОДА", reason="Поза повноваженнями")
        )
    )
    await notify.use_cases.handle(wrap(AppealReturned(**COMMON, reason="Немає адреси")))
    forwarded, returned = notify.emails
    assert "Чернівецька ОДА" in forwarded.text and "forwarded" in forwarded.subject
    assert "Немає адреси" in returned.text and "returned" in returned.subject


async def test_answer_notice_carries_the_summary() -> None:
    notify = Notify()
    event = AppealAnswered(
        **COMMON,
        answer_summary="Ремонт освітлення заплановано на квітень.",
        answered_at=datetime(2026, 3, 20, 10, 0, tzinfo=UTC),
        on_time=True,
    )
    envelope = wrap(event)
    await notify.use_cases.handle(envelope)
    (sent,) = notify.emails
    assert "Ремонт освітлення заплановано на квітень." in sent.text
    assert "CHERNIVTSI-2026-7" in sent.subject
    assert notify.deliveries.docs[f"{envelope.id}:c1:email"]["template"] == event.event_type


async def test_no_email_contact_means_no_email() -> None:
    notify = Notify()
    await notify.use_cases.handle(
        wrap(AppealReturned(**{**COMMON, "email": None, "phone": "+380501234567"}, reason="x"))
    )
    assert notify.emails == []
