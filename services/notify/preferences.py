"""A citizen's notice preferences: which channels, which language, quiet hours — and the
contacts notify learned for them (from their events and their settings), which the hromada
news broadcast uses. Defaults (GOV.UK Notify's lesson: say less, but never nothing): email and
the in-app inbox on, SMS and messenger off, Ukrainian, no quiet hours.

Quiet hours hold back SMS and messenger messages (they buzz a phone at night); email and the
inbox are silent, so they go at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import msgspec
from litestar import Controller, get, put
from litestar.params import JSONBody

from chassis.auth import Principal
from chassis.guards import require_citizen
from chassis.mongo import TenantRepository
from chassis.problems import FieldError, Problem

CHANNELS = ("email", "sms", "telegram", "inbox")
BUZZING_CHANNELS = frozenset({"sms", "telegram"})
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    def covers(self, local: time) -> bool:
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # over midnight, e.g. 22:00-07:00

    def ends_after(self, moment: datetime, timezone: str) -> datetime:
        """The first moment at or after `moment` outside the quiet hours (UTC)."""
        local = moment.astimezone(ZoneInfo(timezone))
        if not self.covers(local.time()):
            return moment
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(UTC)


@dataclass(frozen=True)
class Preferences:
    channels: dict[str, bool] = field(
        default_factory=lambda: {"email": True, "sms": False, "telegram": False, "inbox": True}
    )
    locale: str = "uk"
    quiet_hours: QuietHours | None = None
    telegram_chat_id: str | None = None
    settlement: str | None = None

    def allows(self, channel: str) -> bool:
        return self.channels.get(channel, False)


def preferences_from_doc(doc: dict[str, Any] | None) -> Preferences:
    if doc is None:
        return Preferences()
    quiet = doc.get("quiet_hours")
    return Preferences(
        channels={c: bool(doc.get(c, Preferences().allows(c))) for c in CHANNELS},
        locale=str(doc.get("locale") or "uk"),
        quiet_hours=QuietHours(time.fromisoformat(quiet["start"]), time.fromisoformat(quiet["end"]))
        if quiet
        else None,
        telegram_chat_id=doc.get("telegram_chat_id"),
        settlement=doc.get("settlement"),
    )


class PreferenceRepository(TenantRepository):
    collection_name = "preferences"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("tenant", 1), ("residence", 1)])

    @staticmethod
    def key(tenant: str, sub: str) -> str:
        return f"{tenant}:{sub}"

    async def get(self, tenant: str, sub: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": self.key(tenant, sub)})

    async def save(self, tenant: str, sub: str, changes: dict[str, Any]) -> dict[str, Any]:
        await self.collection.update_one(
            {"_id": self.key(tenant, sub)},
            {"$set": {**changes, "tenant": tenant, "sub": sub, "updated_at": datetime.now(UTC)}},
            upsert=True,
        )
        return await self.get(tenant, sub) or {}

    async def remember_contacts(
        self, tenant: str, sub: str, email: str | None, phone: str | None, name: str
    ) -> None:
        """Keep the latest contacts a citizen's own events carried (for news and SMS)."""
        known: dict[str, Any] = {k: v for k, v in (("email_address", email), ("phone", phone)) if v}
        if name:
            known["name"] = name
        if known:
            await self.save(tenant, sub, known)

    async def subscribers(self, tenant: str) -> list[dict[str, Any]]:
        """Everyone notify knows in this council (for a news broadcast)."""
        cursor = self.collection.find({"tenant": tenant})
        return [doc async for doc in cursor]


class QuietHoursBody(msgspec.Struct, forbid_unknown_fields=True):
    start: str
    end: str


class PreferencesBody(msgspec.Struct, forbid_unknown_fields=True):
    email: bool = True
    sms: bool = False
    telegram: bool = False
    inbox: bool = True
    locale: Literal["uk", "en"] = "uk"
    quiet_hours: QuietHoursBody | None = None
    telegram_chat_id: str | None = None
    phone: str | None = None
    settlement: str | None = None


def _check(body: PreferencesBody) -> None:
    errors: list[FieldError] = []
    if body.quiet_hours is not None:
        for part in ("start", "end"):
            if not _CLOCK.match(getattr(body.quiet_hours, part)):
                errors.append(FieldError(f"quiet_hours.{part}", "must be HH:MM (24-hour clock)"))
    if body.telegram and not body.telegram_chat_id:
        errors.append(FieldError("telegram_chat_id", "is needed to receive messenger messages"))
    if body.phone is not None and not re.fullmatch(r"\+?\d{10,15}", body.phone):
        errors.append(FieldError("phone", "must be a phone number like +380501234567"))
    if errors:
        raise Problem(
            422, "Налаштування містять помилки / The preferences are invalid.", errors=errors
        )


def to_view(doc: dict[str, Any] | None) -> dict[str, Any]:
    prefs = preferences_from_doc(doc)
    quiet = prefs.quiet_hours
    return {
        **prefs.channels,
        "locale": prefs.locale,
        "quiet_hours": {"start": quiet.start.strftime("%H:%M"), "end": quiet.end.strftime("%H:%M")}
        if quiet
        else None,
        "telegram_chat_id": prefs.telegram_chat_id,
        "phone": (doc or {}).get("phone"),
        "settlement": prefs.settlement,
    }


class PreferencesController(Controller):
    path = "/api/v1/{tenant:str}/notify/preferences"
    tags = ["notify"]

    @get("/", operation_id="get_my_notify_preferences")
    async def get_preferences(
        self, tenant: str, principal: Principal, preferences: PreferenceRepository
    ) -> dict[str, Any]:
        require_citizen(principal)
        return to_view(await preferences.get(tenant, principal.sub))

    @put("/", operation_id="set_my_notify_preferences")
    async def set_preferences(
        self,
        tenant: str,
        principal: Principal,
        preferences: PreferenceRepository,
        data: JSONBody[PreferencesBody],
    ) -> dict[str, Any]:
        require_citizen(principal)
        _check(data)
        changes = msgspec.to_builtins(data)
        changes["residence"] = principal.residence
        if principal.email:
            changes["email_address"] = principal.email
        if principal.name:
            changes["name"] = principal.name
        return to_view(await preferences.save(tenant, principal.sub, changes))
