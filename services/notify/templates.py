"""Citizen-facing texts: Ukrainian first, English below. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.appeals import AppealRegistered

KIND_UK = {"proposal": "пропозиція", "statement": "заява", "complaint": "скарга"}
KIND_EN = {"proposal": "proposal", "statement": "statement", "complaint": "complaint"}


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str


def _local_date(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y")


def appeal_registered_email(event: AppealRegistered, timezone: str) -> RenderedEmail:
    received = _local_date(event.received_at, timezone)
    due = _local_date(event.due_at, timezone)
    subject = f"Звернення № {event.number} зареєстровано / Appeal No. {event.number} registered"
    text = f"""Шановний(-а) {event.citizen_name}!

Ваше звернення ({KIND_UK[event.kind]}) «{event.subject}» зареєстровано {received}.
Реєстраційний номер: {event.number}
Відповідь буде надано не пізніше {due} (ст. 20 Закону України «Про звернення громадян»).
Стежити за розглядом можна в особистому кабінеті.

---

Dear {event.citizen_name},

Your appeal ({KIND_EN[event.kind]}) "{event.subject}" was registered on {received}.
Registration number: {event.number}
You will receive an answer no later than {due} (Art. 20 of the Law of Ukraine
"On Citizens' Appeals"). You can follow every stage in your personal account.
"""
    return RenderedEmail(subject=subject, text=text)
