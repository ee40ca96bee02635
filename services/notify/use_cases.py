"""Notify use cases: turn an event into notices — one per channel the recipient allows — and
deliver each exactly once; keep retrying what a channel could not take (an SMTP or SMS outage
must not lose a citizen's notice), and hold back buzzing channels during quiet hours.

A delivery's id is `{event id}:{recipient}:{channel}`, so a redelivered event, a second
replica, or a restart finds its deliveries already claimed and sends nothing twice.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from chassis.background import cancelling
from chassis.tracing import untraced
from contracts.envelope import EventEnvelope
from services.notify.catalog import default_template
from services.notify.channels import Channel, ChannelError, OutgoingMessage
from services.notify.news import NewsRepository
from services.notify.preferences import (
    BUZZING_CHANNELS,
    PreferenceRepository,
    Preferences,
    preferences_from_doc,
)
from services.notify.rendering import Rendered, TemplateText, render
from services.notify.repository import DeliveryRepository
from services.notify.template_overrides import TemplateOverrides
from services.notify.triggers import Recipient, Trigger

log = structlog.get_logger("notify")

MAX_ATTEMPTS = 20


def retry_delay(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s ... capped at 15 minutes: about a day of trying over 20 attempts."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))


def address_for(
    channel: str, recipient: Recipient, prefs: Preferences, doc: dict[str, Any]
) -> str | None:
    """Where `channel` reaches the recipient, if anywhere."""
    if channel == "email":
        return recipient.email or doc.get("email_address")
    if channel == "sms":
        return recipient.phone or doc.get("phone")
    if channel == "telegram":
        return prefs.telegram_chat_id
    return recipient.sub  # inbox


class NotifyUseCases:
    def __init__(
        self,
        deliveries: DeliveryRepository,
        preferences: PreferenceRepository,
        overrides: TemplateOverrides,
        channels: Mapping[str, Channel],
        triggers: Mapping[str, Trigger],
        news: NewsRepository,
        timezone: str,
        message_id_domain: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.deliveries = deliveries
        self.preferences = preferences
        self.overrides = overrides
        self.channels = channels
        self.triggers = triggers
        self.news = news
        self.timezone = timezone
        self.message_id_domain = message_id_domain
        self.clock = clock

    async def handle(self, envelope: EventEnvelope) -> None:
        """One event: a notice to its recipient over each channel they allow."""
        trigger = self.triggers.get(envelope.type)
        if trigger is None:
            return
        data = trigger.model.model_validate(envelope.data).model_dump(mode="python")
        if not trigger.applies_to(data):
            return
        if trigger.audience == "everyone":
            await self._announce(envelope, data)
            return
        recipient = trigger.recipient(envelope.tenant, data)
        if recipient is None:
            log.info("notice.no_recipient", event_type=envelope.type)
            return
        doc = await self._preference_doc(envelope.tenant, recipient, trigger)
        prefs = (
            preferences_from_doc(doc)
            if trigger.audience == "citizen"
            else Preferences(channels={"inbox": True})
        )
        locale = prefs.locale if doc else recipient.locale
        rendered = await self._render(
            envelope.tenant, envelope.type, locale, {**data, "tenant": envelope.tenant}
        )
        for channel in self.channels:
            await self._deliver(envelope, recipient, prefs, doc, channel, rendered, data)

    async def _announce(self, envelope: EventEnvelope, data: dict[str, Any]) -> None:
        """An event for everyone (voting opens, results) becomes a news item of the council:
        in the public feed, and broadcast to its subscribers like any news."""
        rendered = await self._render(
            envelope.tenant, envelope.type, "uk", {**data, "tenant": envelope.tenant}
        )
        announced = await self.news.publish(
            {
                "_id": f"event:{envelope.id}",
                "tenant": envelope.tenant,
                "title": rendered.subject,
                "body": rendered.text,
                "audience": "all",
                "settlement": None,
                "published_by": f"event:{envelope.type}",
                "published_at": self.clock(),
                "status": "sending",
            }
        )
        log.info("notice.announced", event_type=envelope.type, first_time=announced)

    async def _preference_doc(
        self, tenant: str, recipient: Recipient, trigger: Trigger
    ) -> dict[str, Any]:
        if trigger.audience != "citizen":
            return {}
        await self.preferences.remember_contacts(
            tenant, recipient.sub, recipient.email, recipient.phone, recipient.name
        )
        return await self.preferences.get(tenant, recipient.sub) or {}

    async def _render(
        self, tenant: str, event_type: str, locale: str, variables: dict[str, Any]
    ) -> Rendered:
        template: TemplateText | None = await self.overrides.find(tenant, event_type, locale)
        if template is None:
            template = default_template(event_type, locale)
        assert template is not None  # every trigger has a default template
        return render(template, variables, self.timezone)

    async def _deliver(
        self,
        envelope: EventEnvelope,
        recipient: Recipient,
        prefs: Preferences,
        doc: dict[str, Any],
        channel: str,
        rendered: Rendered,
        data: dict[str, Any],
    ) -> None:
        address = address_for(channel, recipient, prefs, doc)
        delivery_id = f"{envelope.id}:{recipient.sub}:{channel}"
        record: dict[str, Any] = {
            "tenant": envelope.tenant,
            "channel": channel,
            "template": envelope.type,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "citizen_sub": recipient.sub,
            "subject_ref": _subject_ref(data),
        }
        if not prefs.allows(channel):
            if address:  # they could be reached here, but asked not to be
                await self.deliveries.record_suppressed(delivery_id, record)
            return
        if not address:
            return
        message = OutgoingMessage(
            channel=channel,
            to=address,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            message_id=f"<{envelope.id}.{channel}@{self.message_id_domain}>",
            tenant=envelope.tenant,
            meta={"event_type": envelope.type, "subject_ref": record["subject_ref"]},
        )
        record |= {"recipient": address, "message": message.to_doc()}
        now = self.clock()
        if channel in BUZZING_CHANNELS and prefs.quiet_hours is not None:
            not_before = prefs.quiet_hours.ends_after(now, self.timezone)
            if not_before > now:
                await self.deliveries.hold(delivery_id, record, not_before)
                log.info("notice.held_for_quiet_hours", channel=channel, until=not_before)
                return
        if not await self.deliveries.claim(delivery_id, record):
            log.info("notice.already_handled", delivery=loggable(delivery_id))
            return
        await self._send(delivery_id, message, attempts=1)

    async def retry_due_deliveries(self) -> int:
        """Send every notice whose (re)try is due; returns how many were attempted."""
        attempted = 0
        while (delivery := await self._next_due()) is not None:
            attempted += 1
            message = OutgoingMessage(**delivery["message"])
            await self._send(delivery["_id"], message, delivery["attempts"])
        return attempted

    async def _next_due(self) -> dict[str, Any] | None:
        with untraced():  # polling every few seconds is not worth a trace each time
            return await self.deliveries.claim_due_retry(self.clock())

    async def run_retry_worker(self, interval_s: float = 2.0) -> None:
        while True:
            try:
                await self.retry_due_deliveries()
            except Exception as exc:
                if cancelling():
                    raise
                log.warning("notice.retry_worker_failed", error=type(exc).__name__)
            await asyncio.sleep(interval_s)

    async def _send(self, delivery_id: str, message: OutgoingMessage, attempts: int) -> None:
        try:
            await self.channels[message.channel].send(message)
        except (ChannelError, OSError) as exc:
            next_at: Any = self.clock() + retry_delay(attempts) if attempts < MAX_ATTEMPTS else None
            await self.deliveries.schedule_retry(delivery_id, str(exc), next_at)
            log.warning(
                "notice.send_failed",
                channel=message.channel,
                attempts=attempts,
                error=type(exc).__name__,
            )
            return
        await self.deliveries.mark_sent(delivery_id)
        log.info(
            "notice.sent",
            channel=message.channel,
            delivery=loggable(delivery_id),
            attempts=attempts,
        )


def loggable(delivery_id: str) -> str:
    """A delivery id as logs may show it: `{event}:{sub}:{channel}` with the citizen's `sub`
    replaced by a digest (logs never name a person; the digest still tells two apart)."""
    event_id, _, rest = delivery_id.partition(":")
    sub, _, channel = rest.rpartition(":")
    digest = hashlib.blake2b(sub.encode(), digest_size=6).hexdigest()
    return f"{event_id}:{digest}:{channel}"


def _subject_ref(data: Mapping[str, Any]) -> dict[str, Any]:
    """What the notice is about, for the citizen's delivery list (no contents)."""
    keys = ("appeal_id", "number", "petition_id", "project_id", "booking_id", "payment_id")
    return {k: data[k] for k in keys if data.get(k) is not None}
