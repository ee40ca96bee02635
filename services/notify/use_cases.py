"""Notify use cases: turn an event into a notice and deliver it once."""

from __future__ import annotations

import structlog

from contracts.appeals import AppealRegistered
from contracts.envelope import EventEnvelope
from services.notify.email_client import EmailClient, OutgoingEmail
from services.notify.repository import DeliveryRepository
from services.notify.templates import appeal_registered_email

log = structlog.get_logger("notify")


class NotifyUseCases:
    def __init__(
        self,
        deliveries: DeliveryRepository,
        email: EmailClient,
        timezone: str,
        message_id_domain: str,
    ) -> None:
        self.deliveries = deliveries
        self.email = email
        self.timezone = timezone
        self.message_id_domain = message_id_domain

    async def notify_appeal_registered(self, envelope: EventEnvelope) -> None:
        event = envelope.payload(AppealRegistered)
        if not event.email:
            log.info("notice.skipped_no_contact", appeal_id=event.appeal_id)
            return
        delivery_id = f"{envelope.id}:email"
        claimed = await self.deliveries.claim(
            delivery_id,
            {
                "tenant": envelope.tenant,
                "channel": "email",
                "template": "appeal_registered",
                "event_id": envelope.id,
                "event_type": envelope.type,
                "citizen_sub": event.citizen_sub,
                "recipient": event.email,
                "subject_ref": {"appeal_id": event.appeal_id, "number": event.number},
            },
        )
        if not claimed:
            log.info("notice.already_sent", delivery_id=delivery_id)
            return
        rendered = appeal_registered_email(event, self.timezone)
        try:
            await self.email.send(
                OutgoingEmail(
                    to=event.email,
                    subject=rendered.subject,
                    text=rendered.text,
                    message_id=f"<{envelope.id}.email@{self.message_id_domain}>",
                )
            )
        except Exception as exc:
            await self.deliveries.mark_failed(delivery_id, f"{type(exc).__name__}: {exc}")
            raise  # the consumer retries with backoff, then parks the event on the DLQ
        await self.deliveries.mark_sent(delivery_id)
        log.info("notice.sent", channel="email", template="appeal_registered")
