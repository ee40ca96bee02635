"""In-memory stand-ins for notify's repositories and channels (unit tests only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from contracts.appeals import AppealRegistered
from contracts.envelope import EventEnvelope
from services.notify.channels import ChannelError, OutgoingMessage
from services.notify.rendering import TemplateText
from services.notify.triggers import build_triggers
from services.notify.use_cases import NotifyUseCases


class FakeDeliveries:
    """The repository's claim semantics, in memory."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def claim(self, delivery_id: str, record: dict[str, Any]) -> bool:
        if delivery_id in self.docs:
            return bool(self.docs[delivery_id]["status"] == "sending")
        self.docs[delivery_id] = {**record, "_id": delivery_id, "status": "sending", "attempts": 1}
        return True

    async def hold(self, delivery_id: str, record: dict[str, Any], until: datetime) -> bool:
        if delivery_id in self.docs:
            return False
        self.docs[delivery_id] = {
            **record,
            "_id": delivery_id,
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": until,
        }
        return True

    async def record_suppressed(self, delivery_id: str, record: dict[str, Any]) -> None:
        self.docs.setdefault(delivery_id, {**record, "_id": delivery_id, "status": "suppressed"})

    async def mark_sent(self, delivery_id: str) -> None:
        self.docs[delivery_id]["status"] = "sent"

    async def schedule_retry(self, delivery_id: str, error: str, next_at: datetime | None) -> None:
        doc = self.docs[delivery_id]
        doc.update(status="retrying" if next_at else "failed", error=error, next_attempt_at=next_at)

    async def claim_due_retry(self, now: datetime) -> dict[str, Any] | None:
        for doc in self.docs.values():
            if doc["status"] in ("retrying", "queued") and doc["next_attempt_at"] <= now:
                doc["status"] = "sending"
                doc["attempts"] += 1
                return dict(doc)
        return None

    def statuses(self, channel: str) -> list[str]:
        return [d["status"] for d in self.docs.values() if d["channel"] == channel]


class FakePreferences:
    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Any]] = {}

    async def get(self, tenant: str, sub: str) -> dict[str, Any] | None:
        return self.docs.get(f"{tenant}:{sub}")

    async def save(self, tenant: str, sub: str, changes: dict[str, Any]) -> dict[str, Any]:
        doc = self.docs.setdefault(f"{tenant}:{sub}", {"tenant": tenant, "sub": sub})
        doc.update(changes)
        return doc

    async def remember_contacts(
        self, tenant: str, sub: str, email: str | None, phone: str | None, name: str
    ) -> None:
        known = {k: v for k, v in (("email_address", email), ("phone", phone)) if v}
        if known:
            await self.save(tenant, sub, known)


class FakeOverrides:
    def __init__(self) -> None:
        self.templates: dict[tuple[str, str, str], TemplateText] = {}

    async def find(self, tenant: str, event_type: str, locale: str) -> TemplateText | None:
        return self.templates.get((tenant, event_type, locale))


class FakeNews:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    async def publish(self, doc: dict[str, Any]) -> bool:
        if doc["_id"] in self.items:
            return False
        self.items[doc["_id"]] = doc
        return True


class FakeChannel:
    def __init__(self, name: str, failures: int = 0) -> None:
        self.name = name
        self.failures = failures
        self.sent: list[OutgoingMessage] = []

    async def send(self, message: OutgoingMessage) -> None:
        if self.failures:
            self.failures -= 1
            raise ChannelError(f"{self.name} down")
        self.sent.append(message)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 11:00 in Kyiv

    def __call__(self) -> datetime:
        return self.now


class Notify:
    """A NotifyUseCases over fakes, with handles on each fake."""

    def __init__(self, email_failures: int = 0) -> None:
        self.deliveries = FakeDeliveries()
        self.preferences = FakePreferences()
        self.overrides = FakeOverrides()
        self.news = FakeNews()
        self.channels = {
            "email": FakeChannel("email", email_failures),
            "sms": FakeChannel("sms"),
            "telegram": FakeChannel("telegram"),
            "inbox": FakeChannel("inbox"),
        }
        self.clock = Clock()
        self.use_cases = NotifyUseCases(
            self.deliveries,  # type: ignore[arg-type]
            self.preferences,  # type: ignore[arg-type]
            self.overrides,  # type: ignore[arg-type]
            self.channels,
            build_triggers(),
            self.news,  # type: ignore[arg-type]
            "Europe/Kyiv",
            "hromada.test",
            clock=self.clock,
        )

    @property
    def emails(self) -> list[OutgoingMessage]:
        return self.channels["email"].sent

    def sent(self, channel: str) -> list[OutgoingMessage]:
        return self.channels[channel].sent


def registered(email: str | None = "olena@example.ua", phone: str | None = None) -> EventEnvelope:
    event = AppealRegistered(
        appeal_id="a1",
        number="UZHHOROD-2026-3",
        kind="complaint",
        subject="Світло",
        citizen_sub="c1",
        citizen_name="Олена",
        email=email,
        received_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
        due_at=datetime(2026, 4, 10, 8, 0, tzinfo=UTC),
    )
    envelope = EventEnvelope.wrap(event, source="/hromada/appeals", subject="a1", tenant="uzhhorod")
    if phone:
        return envelope.model_copy(update={"data": {**envelope.data, "phone": phone}})
    return envelope
