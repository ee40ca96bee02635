"""Notify delivers a notice once per event and keeps retrying when the channel is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contracts.appeals import AppealRegistered
from contracts.envelope import EventEnvelope
from services.notify.email_client import OutgoingEmail
from services.notify.use_cases import MAX_ATTEMPTS, NotifyUseCases, retry_delay


class FakeDeliveries:
    """In-memory stand-in with the repository's claim semantics."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def claim(self, delivery_id: str, record: dict[str, Any]) -> bool:
        if delivery_id in self.docs:
            return self.docs[delivery_id]["status"] == "sending"
        self.docs[delivery_id] = {**record, "_id": delivery_id, "status": "sending", "attempts": 1}
        return True

    async def mark_sent(self, delivery_id: str) -> None:
        self.docs[delivery_id]["status"] = "sent"

    async def schedule_retry(self, delivery_id: str, error: str, next_at: datetime | None) -> None:
        doc = self.docs[delivery_id]
        doc.update(status="retrying" if next_at else "failed", error=error, next_attempt_at=next_at)

    async def claim_due_retry(self, now: datetime) -> dict[str, Any] | None:
        for doc in self.docs.values():
            if doc["status"] == "retrying" and doc["next_attempt_at"] <= now:
                doc["status"] = "sending"
                doc["attempts"] += 1
                return dict(doc)
        return None


class FlakyEmail:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent: list[OutgoingEmail] = []

    async def send(self, email: OutgoingEmail) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("smtp down")
        self.sent.append(email)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def registered(email: str | None = "olena@example.ua") -> EventEnvelope:
    event = AppealRegistered(
        appeal_id="a1",
        number="UZHHOROD-2026-3",
        kind="statement",
        subject="Світло",
        citizen_sub="c1",
        citizen_name="Олена",
        email=email,
        received_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
        due_at=datetime(2026, 4, 10, 8, 0, tzinfo=UTC),
    )
    return EventEnvelope.wrap(event, source="/hromada/appeals", subject="a1", tenant="uzhhorod")


def build(failures: int = 0) -> tuple[NotifyUseCases, FakeDeliveries, FlakyEmail, Clock]:
    deliveries, email, clock = FakeDeliveries(), FlakyEmail(failures), Clock()
    use_cases = NotifyUseCases(deliveries, email, "Europe/Kyiv", "hromada.test", clock=clock)  # type: ignore[arg-type]
    return use_cases, deliveries, email, clock


async def test_the_same_event_twice_sends_one_email() -> None:
    use_cases, deliveries, email, _ = build()
    envelope = registered()
    await use_cases.notify_appeal_registered(envelope)
    await use_cases.notify_appeal_registered(envelope)
    assert len(email.sent) == 1
    assert email.sent[0].message_id == f"<{envelope.id}.email@hromada.test>"
    assert "UZHHOROD-2026-3" in email.sent[0].subject
    assert deliveries.docs[f"{envelope.id}:email"]["status"] == "sent"


async def test_smtp_outage_keeps_the_notice_and_the_retry_sends_it_once() -> None:
    use_cases, deliveries, email, clock = build(failures=2)
    envelope = registered()
    await use_cases.notify_appeal_registered(envelope)  # fails, kept for retry
    doc = deliveries.docs[f"{envelope.id}:email"]
    assert doc["status"] == "retrying" and email.sent == []

    await use_cases.notify_appeal_registered(envelope)  # a redelivery does not send again
    assert email.sent == []

    assert await use_cases.retry_due_deliveries() == 0  # not due yet
    clock.now += retry_delay(1)
    assert await use_cases.retry_due_deliveries() == 1  # fails again, rescheduled
    clock.now += retry_delay(2)
    assert await use_cases.retry_due_deliveries() == 1
    assert len(email.sent) == 1 and doc["status"] == "sent"


async def test_notice_fails_for_good_after_the_last_attempt() -> None:
    use_cases, deliveries, email, clock = build(failures=MAX_ATTEMPTS)
    await use_cases.notify_appeal_registered(registered())
    for _ in range(MAX_ATTEMPTS):
        clock.now += timedelta(hours=1)
        await use_cases.retry_due_deliveries()
    (doc,) = deliveries.docs.values()
    assert doc["status"] == "failed" and doc["attempts"] == MAX_ATTEMPTS and email.sent == []


async def test_no_contact_no_email() -> None:
    use_cases, deliveries, email, _ = build()
    await use_cases.notify_appeal_registered(registered(email=None))
    assert email.sent == [] and deliveries.docs == {}
