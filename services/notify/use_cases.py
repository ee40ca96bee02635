"""Notify use cases: turn an event into a notice and deliver it once; keep retrying a notice
the channel could not take (an SMTP outage must not lose a citizen's notice)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from chassis.background import cancelling
from chassis.tracing import untraced
from contracts.appeals import (
    AppealAnswered,
    AppealExtended,
    AppealForwarded,
    AppealRegistered,
    AppealReturned,
)
from contracts.envelope import EventEnvelope
from services.notify.email_client import EmailClient, OutgoingEmail
from services.notify.repository import DeliveryRepository
from services.notify.templates import (
    RenderedEmail,
    appeal_answered_email,
    appeal_extended_email,
    appeal_forwarded_email,
    appeal_registered_email,
    appeal_returned_email,
)

log = structlog.get_logger("notify")

MAX_ATTEMPTS = 20


def retry_delay(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at 15 minutes: about a day of trying over 20 attempts."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))


class NotifyUseCases:
    def __init__(
        self,
        deliveries: DeliveryRepository,
        email: EmailClient,
        timezone: str,
        message_id_domain: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.deliveries = deliveries
        self.email = email
        self.timezone = timezone
        self.message_id_domain = message_id_domain
        self.clock = clock

    async def notify_appeal_registered(self, envelope: EventEnvelope) -> None:
        event: AppealRegistered = envelope.payload(AppealRegistered)
        rendered = appeal_registered_email(event, self.timezone)
        await self._email_citizen(envelope, "appeal_registered", event, rendered)

    async def notify_appeal_extended(self, envelope: EventEnvelope) -> None:
        """Art. 20: every extension is told to the citizen, with the new date and the reason."""
        event = envelope.payload(AppealExtended)
        rendered = appeal_extended_email(event, self.timezone)
        await self._email_citizen(envelope, "appeal_extended", event, rendered)

    async def notify_appeal_forwarded(self, envelope: EventEnvelope) -> None:
        """Art. 7: the citizen is told where the appeal was forwarded and why."""
        event = envelope.payload(AppealForwarded)
        rendered = appeal_forwarded_email(event, self.timezone)
        await self._email_citizen(envelope, "appeal_forwarded", event, rendered)

    async def notify_appeal_returned(self, envelope: EventEnvelope) -> None:
        event = envelope.payload(AppealReturned)
        rendered = appeal_returned_email(event, self.timezone)
        await self._email_citizen(envelope, "appeal_returned", event, rendered)

    async def notify_appeal_answered(self, envelope: EventEnvelope) -> None:
        event = envelope.payload(AppealAnswered)
        rendered = appeal_answered_email(event, self.timezone)
        await self._email_citizen(envelope, "appeal_answered", event, rendered)

    async def _email_citizen(
        self,
        envelope: EventEnvelope,
        template: str,
        event: AppealRegistered
        | AppealExtended
        | AppealForwarded
        | AppealReturned
        | AppealAnswered,
        rendered: RenderedEmail,
    ) -> None:
        """Send once per (event, channel): a redelivered event finds its delivery claimed."""
        if not event.email:
            log.info("notice.skipped_no_contact", appeal_id=event.appeal_id, template=template)
            return
        message = OutgoingEmail(
            to=event.email,
            subject=rendered.subject,
            text=rendered.text,
            message_id=f"<{envelope.id}.email@{self.message_id_domain}>",
        )
        delivery_id = f"{envelope.id}:email"
        claimed = await self.deliveries.claim(
            delivery_id,
            {
                "tenant": envelope.tenant,
                "channel": "email",
                "template": template,
                "event_id": envelope.id,
                "event_type": envelope.type,
                "citizen_sub": event.citizen_sub,
                "recipient": event.email,
                "message": vars(message),
                "subject_ref": {"appeal_id": event.appeal_id, "number": event.number},
            },
        )
        if not claimed:
            log.info("notice.already_handled", delivery_id=delivery_id)
            return
        await self._send(delivery_id, message, attempts=1)

    async def retry_due_deliveries(self) -> int:
        """Send every notice whose retry is due; returns how many were attempted."""
        attempted = 0
        while (delivery := await self._next_due()) is not None:
            attempted += 1
            await self._send(
                delivery["_id"], OutgoingEmail(**delivery["message"]), delivery["attempts"]
            )
        return attempted

    async def _next_due(self) -> dict[str, Any] | None:
        with untraced():  # polling every few seconds is not worth a trace each time
            return await self.deliveries.claim_due_retry(self.clock())

    async def run_retry_worker(self, interval_s: float = 5.0) -> None:
        while True:
            try:
                await self.retry_due_deliveries()
            except Exception as exc:
                if cancelling():
                    raise
                log.warning("notice.retry_worker_failed", error=type(exc).__name__)
            await asyncio.sleep(interval_s)

    async def _send(self, delivery_id: str, message: OutgoingEmail, attempts: int) -> None:
        try:
            await self.email.send(message)
        except Exception as exc:
            next_at: Any = self.clock() + retry_delay(attempts) if attempts < MAX_ATTEMPTS else None
            await self.deliveries.schedule_retry(
                delivery_id, f"{type(exc).__name__}: {exc}", next_at
            )
            log.warning(
                "notice.send_failed", channel="email", attempts=attempts, error=type(exc).__name__
            )
            return
        await self.deliveries.mark_sent(delivery_id)
        log.info("notice.sent", channel="email", delivery_id=delivery_id, attempts=attempts)
