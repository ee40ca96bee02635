"""Citizen-facing texts: Ukrainian first, English below. Pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from contracts.appeals import (
    AppealAnswered,
    AppealExtended,
    AppealForwarded,
    AppealRegistered,
    AppealReturned,
)

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


def _greeting(name: str) -> tuple[str, str]:
    return f"Шановний(-а) {name}!", f"Dear {name},"


def appeal_extended_email(event: AppealExtended, timezone: str) -> RenderedEmail:
    due = _local_date(event.due_at, timezone)
    uk, en = _greeting(event.citizen_name)
    subject = (
        f"Строк розгляду звернення № {event.number} продовжено / "
        f"Appeal No. {event.number}: term extended"
    )
    text = f"""{uk}

Строк розгляду Вашого звернення № {event.number} «{event.subject}» продовжено
на {event.days} дн. Нова дата відповіді: не пізніше {due}.
Причина: {event.reason}
(ст. 20 Закону України «Про звернення громадян»: загальний строк не перевищує 45 днів.)

---

{en}

The term for your appeal No. {event.number} "{event.subject}" was extended by {event.days}
day(s). New due date: no later than {due}.
Reason: {event.reason}
(Art. 20 of the Law of Ukraine "On Citizens' Appeals": never more than 45 days in total.)
"""
    return RenderedEmail(subject=subject, text=text)


def appeal_forwarded_email(event: AppealForwarded, timezone: str) -> RenderedEmail:
    uk, en = _greeting(event.citizen_name)
    subject = (
        f"Звернення № {event.number} надіслано за належністю / Appeal No. {event.number} forwarded"
    )
    text = f"""{uk}

Ваше звернення № {event.number} «{event.subject}» не належить до повноважень ради і
надіслано за належністю: {event.forwarded_to}.
Причина: {event.reason}
(ст. 7 Закону України «Про звернення громадян».)

---

{en}

Your appeal No. {event.number} "{event.subject}" is outside the council's powers and was
forwarded to the competent body: {event.forwarded_to}.
Reason: {event.reason}
(Art. 7 of the Law of Ukraine "On Citizens' Appeals".)
"""
    return RenderedEmail(subject=subject, text=text)


def appeal_returned_email(event: AppealReturned, timezone: str) -> RenderedEmail:
    uk, en = _greeting(event.citizen_name)
    subject = f"Звернення № {event.number} повернуто / Appeal No. {event.number} returned"
    text = f"""{uk}

Ваше звернення № {event.number} «{event.subject}» повернуто, бо для його розгляду бракує
даних: {event.reason}
Ви можете подати звернення повторно з потрібними даними (ст. 7 Закону України
«Про звернення громадян»).

---

{en}

Your appeal No. {event.number} "{event.subject}" was returned because data needed to decide
on it is missing: {event.reason}
You may file it again with that data (Art. 7 of the Law of Ukraine "On Citizens' Appeals").
"""
    return RenderedEmail(subject=subject, text=text)


def appeal_answered_email(event: AppealAnswered, timezone: str) -> RenderedEmail:
    answered = _local_date(event.answered_at, timezone)
    uk, en = _greeting(event.citizen_name)
    subject = f"Відповідь на звернення № {event.number} / Answer to appeal No. {event.number}"
    text = f"""{uk}

{answered} надано відповідь на Ваше звернення № {event.number} «{event.subject}»:

{event.answer_summary}

Повний текст — в особистому кабінеті. Там само Ви можете оцінити відповідь.

---

{en}

On {answered} the council answered your appeal No. {event.number} "{event.subject}"
(the answer is above, in Ukrainian). The full text is in your personal account, where you
can also rate the answer.
"""
    return RenderedEmail(subject=subject, text=text)
