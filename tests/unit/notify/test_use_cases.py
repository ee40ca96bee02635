"""Notify: one notice per (event, recipient, channel) over the channels the citizen allows;
retries while a channel is down; quiet hours hold back SMS and messenger; a council's own
template wins over the default."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contracts.appeals import AppealOverdue
from contracts.budget import CyclePhaseChanged
from contracts.envelope import EventEnvelope
from contracts.petitions import PetitionThresholdReached
from services.notify.rendering import TemplateText
from services.notify.use_cases import MAX_ATTEMPTS, retry_delay
from tests.unit.notify.fakes import Notify, registered


async def test_the_same_event_twice_sends_one_email_and_one_inbox_item() -> None:
    notify = Notify()
    envelope = registered()
    await notify.use_cases.handle(envelope)
    await notify.use_cases.handle(envelope)
    assert len(notify.emails) == 1 and len(notify.sent("inbox")) == 1
    assert notify.emails[0].message_id == f"<{envelope.id}.email@hromada.test>"
    assert "UZHHOROD-2026-3" in notify.emails[0].subject
    assert "<p>" in notify.emails[0].html  # the HTML part
    assert notify.deliveries.docs[f"{envelope.id}:c1:email"]["status"] == "sent"
    assert notify.sent("sms") == []  # SMS is off by default


async def test_smtp_outage_keeps_the_notice_and_the_retry_sends_it_once() -> None:
    notify = Notify(email_failures=2)
    envelope = registered()
    await notify.use_cases.handle(envelope)  # fails, kept for retry
    doc = notify.deliveries.docs[f"{envelope.id}:c1:email"]
    assert doc["status"] == "retrying" and notify.emails == []
    await notify.use_cases.handle(envelope)  # a redelivery does not send again
    assert notify.emails == []
    assert await notify.use_cases.retry_due_deliveries() == 0  # not due yet
    notify.clock.now += retry_delay(1)
    assert await notify.use_cases.retry_due_deliveries() == 1  # fails again, rescheduled
    notify.clock.now += retry_delay(2)
    assert await notify.use_cases.retry_due_deliveries() == 1
    assert len(notify.emails) == 1 and doc["status"] == "sent"


async def test_notice_fails_for_good_after_the_last_attempt() -> None:
    notify = Notify(email_failures=MAX_ATTEMPTS)
    await notify.use_cases.handle(registered())
    for _ in range(MAX_ATTEMPTS):
        notify.clock.now += timedelta(hours=1)
        await notify.use_cases.retry_due_deliveries()
    (doc,) = (d for d in notify.deliveries.docs.values() if d["channel"] == "email")
    assert doc["status"] == "failed" and doc["attempts"] == MAX_ATTEMPTS and notify.emails == []


async def test_no_email_contact_no_email_but_the_inbox_still_tells() -> None:
    notify = Notify()
    await notify.use_cases.handle(registered(email=None))
    assert notify.emails == [] and len(notify.sent("inbox")) == 1


async def test_an_opt_out_suppresses_the_channel_and_the_log_says_so() -> None:
    notify = Notify()
    await notify.preferences.save("uzhhorod", "c1", {"email": False})
    await notify.use_cases.handle(registered())
    assert notify.emails == []
    assert notify.deliveries.statuses("email") == ["suppressed"]
    assert len(notify.sent("inbox")) == 1


async def test_sms_goes_to_the_events_phone_when_the_citizen_turned_sms_on() -> None:
    notify = Notify()
    await notify.preferences.save("uzhhorod", "c1", {"sms": True})
    await notify.use_cases.handle(registered(phone="+380501234567"))
    (sms,) = notify.sent("sms")
    assert sms.to == "+380501234567" and "UZHHOROD-2026-3" in sms.text


async def test_quiet_hours_hold_sms_until_morning_but_email_goes_at_once() -> None:
    notify = Notify()
    notify.clock.now = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)  # 23:00 in Kyiv
    quiet = {"start": "22:00", "end": "07:00"}
    await notify.preferences.save("uzhhorod", "c1", {"sms": True, "quiet_hours": quiet})
    await notify.use_cases.handle(registered(phone="+380501234567"))
    assert len(notify.emails) == 1 and notify.sent("sms") == []
    assert notify.deliveries.statuses("sms") == ["queued"]
    await notify.use_cases.retry_due_deliveries()
    assert notify.sent("sms") == []  # still night
    notify.clock.now = datetime(2026, 3, 11, 5, 0, tzinfo=UTC)  # 07:00 in Kyiv
    await notify.use_cases.retry_due_deliveries()
    assert len(notify.sent("sms")) == 1


async def test_english_preference_gets_the_english_text_only() -> None:
    notify = Notify()
    await notify.preferences.save("uzhhorod", "c1", {"locale": "en"})
    await notify.use_cases.handle(registered())
    (mail,) = notify.emails
    assert mail.subject == "Appeal No. UZHHOROD-2026-3 registered"
    assert "Шановний" not in mail.text and "Dear Олена" in mail.text


async def test_a_councils_own_template_is_used_instead_of_the_default() -> None:
    notify = Notify()
    notify.overrides.templates[("uzhhorod", "appeals.appeal.registered.v1", "uk")] = TemplateText(
        "Ужгород: № {{ number }}", "Дякуємо, {{ citizen_name }}! Строк: {{ due_at | date }}."
    )
    await notify.use_cases.handle(registered())
    (mail,) = notify.emails
    assert mail.subject == "Ужгород: № UZHHOROD-2026-3"
    assert mail.text == "Дякуємо, Олена! Строк: 10.04.2026."


async def test_statutory_clock_warnings_go_to_the_councils_staff_inbox_only() -> None:
    notify = Notify()
    event = AppealOverdue(
        appeal_id="a1",
        number="UZHHOROD-2026-3",
        subject="Світло",
        status="assigned",
        citizen_sub="c1",
        citizen_name="Олена",
        email="olena@example.ua",
        due_at=datetime(2026, 3, 9, 22, 0, tzinfo=UTC),
        department="ЖКГ",
        at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    )
    envelope = EventEnvelope.wrap(event, source="/hromada/appeals", subject="a1", tenant="uzhhorod")
    await notify.use_cases.handle(envelope)
    assert notify.emails == []
    (item,) = notify.sent("inbox")
    assert item.to == "staff:uzhhorod" and "ЖКГ" in item.text and "10.03.2026" in item.text


async def test_voting_opens_is_news_for_everyone_once_and_other_phases_are_not() -> None:
    notify = Notify()

    def phase(name: str) -> EventEnvelope:
        event = CyclePhaseChanged(
            cycle_id="cy1",
            year=2026,
            title="Громадський бюджет 2026",
            phase=name,
            previous_phase="review",
            phase_ends_at=datetime(2026, 5, 31, 20, 59, tzinfo=UTC),
            by_hand=False,
            at=datetime(2026, 5, 1, 6, 0, tzinfo=UTC),
        )
        return EventEnvelope.wrap(event, source="/hromada/budget", subject="cy1", tenant="bucha")

    voting = phase("voting")
    await notify.use_cases.handle(voting)
    await notify.use_cases.handle(voting)  # redelivered
    await notify.use_cases.handle(phase("results"))
    (item,) = notify.news.items.values()
    assert item["_id"] == f"event:{voting.id}" and item["audience"] == "all"
    assert "голосування відкрито" in item["title"] and "31.05.2026" in item["body"]
    assert notify.emails == [] and notify.sent("inbox") == []  # the broadcast sends them


async def test_petition_notices_go_to_the_author() -> None:
    notify = Notify()
    event = PetitionThresholdReached(
        petition_id="p1",
        title="Зелений сквер",
        status="under_consideration",
        author_sub="author-1",
        author_name="Іван",
        author_email="ivan@example.ua",
        signature_count=250,
        threshold=250,
        at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
        response_due_at=datetime(2026, 3, 24, 22, 0, tzinfo=UTC),
    )
    envelope = EventEnvelope.wrap(event, source="/hromada/petitions", subject="p1", tenant="bucha")
    await notify.use_cases.handle(envelope)
    (mail,) = notify.emails
    assert mail.to == "ivan@example.ua" and "Зелений сквер" in mail.subject
    assert "25.03.2026" in mail.text  # the response is due by the end of that local day
