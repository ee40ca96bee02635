"""The default texts of every notice, per event type and locale. Citizen-facing: the `uk`
text is Ukrainian with English below it; `en` is English only. A council may override any of
them through the API (services/notify/template_overrides.py); these are what it starts with.

Variables are the event's fields (see contracts/); `| date` shows a moment on the council's
wall clock and `| money` an amount in kopiyky as hryvnias.
"""

from __future__ import annotations

from services.notify.rendering import TemplateText

# Appeal notices quote the law, so the citizen knows which rule the council is keeping.
LAW = "Закону України «Про звернення громадян»"
LAW_EN = 'of the Law of Ukraine "On Citizens\' Appeals"'

UK_GREETING = "Шановний(-а) {{ citizen_name }}!"
EN_GREETING = "Dear {{ citizen_name }},"


def _bilingual(subject_uk: str, subject_en: str, uk: str, en: str) -> dict[str, TemplateText]:
    return {
        "uk": TemplateText(f"{subject_uk} / {subject_en}", f"{uk}\n\n---\n\n{en}\n"),
        "en": TemplateText(subject_en, f"{en}\n"),
    }


DEFAULT_TEMPLATES: dict[str, dict[str, TemplateText]] = {
    "appeals.appeal.registered.v1": _bilingual(
        "Звернення № {{ number }} зареєстровано",
        "Appeal No. {{ number }} registered",
        f"""{UK_GREETING}

Ваше звернення ({{{{ kind | appeal_kind_uk }}}}) «{{{{ subject }}}}» зареєстровано
{{{{ received_at | date }}}}.
Реєстраційний номер: {{{{ number }}}}
Відповідь буде надано не пізніше {{{{ due_at | date }}}} (ст. 20 {LAW}).
Стежити за розглядом можна в особистому кабінеті.""",
        f"""{EN_GREETING}

Your appeal ({{{{ kind }}}}) "{{{{ subject }}}}" was registered on {{{{ received_at | date }}}}.
Registration number: {{{{ number }}}}
You will receive an answer no later than {{{{ due_at | date }}}} (Art. 20 {LAW_EN}).
You can follow every stage in your personal account.""",
    ),
    "appeals.appeal.extended.v1": _bilingual(
        "Строк розгляду звернення № {{ number }} продовжено",
        "Appeal No. {{ number }}: term extended",
        f"""{UK_GREETING}

Строк розгляду Вашого звернення № {{{{ number }}}} «{{{{ subject }}}}» продовжено
на {{{{ days }}}} дн. Нова дата відповіді: не пізніше {{{{ due_at | date }}}}.
Причина: {{{{ reason }}}}
(ст. 20 {LAW}: загальний строк не перевищує 45 днів.)""",
        f"""{EN_GREETING}

The term for your appeal No. {{{{ number }}}} "{{{{ subject }}}}" was extended by {{{{ days }}}}
day(s). New due date: no later than {{{{ due_at | date }}}}.
Reason: {{{{ reason }}}}
(Art. 20 {LAW_EN}: never more than 45 days in total.)""",
    ),
    "appeals.appeal.forwarded.v1": _bilingual(
        "Звернення № {{ number }} надіслано за належністю",
        "Appeal No. {{ number }} forwarded",
        f"""{UK_GREETING}

Ваше звернення № {{{{ number }}}} «{{{{ subject }}}}» не належить до повноважень ради і
надіслано за належністю: {{{{ forwarded_to }}}}.
Причина: {{{{ reason }}}}
(ст. 7 {LAW}.)""",
        f"""{EN_GREETING}

Your appeal No. {{{{ number }}}} "{{{{ subject }}}}" is outside the council's powers and was
forwarded to the competent body: {{{{ forwarded_to }}}}.
Reason: {{{{ reason }}}}
(Art. 7 {LAW_EN}.)""",
    ),
    "appeals.appeal.returned.v1": _bilingual(
        "Звернення № {{ number }} повернуто",
        "Appeal No. {{ number }} returned",
        f"""{UK_GREETING}

Ваше звернення № {{{{ number }}}} «{{{{ subject }}}}» повернуто, бо для його розгляду бракує
даних: {{{{ reason }}}}
Ви можете подати звернення повторно з потрібними даними (ст. 7 {LAW}).""",
        f"""{EN_GREETING}

Your appeal No. {{{{ number }}}} "{{{{ subject }}}}" was returned because data needed to decide
on it is missing: {{{{ reason }}}}
You may file it again with that data (Art. 7 {LAW_EN}).""",
    ),
    "appeals.appeal.answered.v1": _bilingual(
        "Відповідь на звернення № {{ number }}",
        "Answer to appeal No. {{ number }}",
        f"""{UK_GREETING}

{{{{ answered_at | date }}}} надано відповідь на Ваше звернення № {{{{ number }}}}
«{{{{ subject }}}}»:

{{{{ answer_summary }}}}

Повний текст — в особистому кабінеті. Там само Ви можете оцінити відповідь.""",
        f"""{EN_GREETING}

On {{{{ answered_at | date }}}} the council answered your appeal No. {{{{ number }}}}
"{{{{ subject }}}}":

{{{{ answer_summary }}}}

The full text is in your personal account, where you can also rate the answer.""",
    ),
    # To the council's staff (their inbox): the statutory clock.
    "appeals.appeal.due_soon.v1": _bilingual(
        "Спливає строк: звернення № {{ number }}",
        "Due soon: appeal No. {{ number }}",
        """Звернення № {{ number }} «{{ subject }}» ({{ department or "не розподілено" }}) має
бути розглянуто до {{ due_at | date }}.""",
        """Appeal No. {{ number }} "{{ subject }}" ({{ department or "not assigned" }}) is due by
{{ due_at | date }}.""",
    ),
    "appeals.appeal.overdue.v1": _bilingual(
        "Прострочено: звернення № {{ number }}",
        "Overdue: appeal No. {{ number }}",
        """Строк розгляду звернення № {{ number }} «{{ subject }}»
({{ department or "не розподілено" }}) сплив {{ due_at | date }}, відповіді немає.""",
        """The term of appeal No. {{ number }} "{{ subject }}" ({{ department or "not assigned" }})
ended on {{ due_at | date }} without an answer.""",
    ),
    "payments.payment.succeeded.v1": _bilingual(
        "Оплату {{ amount | money }} зараховано",
        "Payment of {{ amount | money }} received",
        """Оплату {{ amount | money }} ({{ reference }}) успішно проведено {{ at | datetime }}.
Квитанція: {{ receipt_url }}""",
        """Your payment of {{ amount | money }} ({{ reference }}) went through on
{{ at | datetime }}.
Receipt: {{ receipt_url }}""",
    ),
    "payments.payment.failed.v1": _bilingual(
        "Оплата {{ amount | money }} не пройшла",
        "Payment of {{ amount | money }} failed",
        """Оплата {{ amount | money }} ({{ reference }}) не пройшла: {{ reason }}.
Кошти не списано; спробуйте ще раз.""",
        """Your payment of {{ amount | money }} ({{ reference }}) failed: {{ reason }}.
Nothing was charged; please try again.""",
    ),
    "payments.payment.refunded.v1": _bilingual(
        "Кошти {{ refunded_amount | money }} повернуто",
        "{{ refunded_amount | money }} refunded",
        """Вам повернуто {{ refunded_amount | money }} за платежем {{ reference }}.
Причина: {{ reason }}""",
        """{{ refunded_amount | money }} of your payment {{ reference }} was refunded.
Reason: {{ reason }}""",
    ),
}

LOCALES = ("uk", "en")


def default_template(event_type: str, locale: str) -> TemplateText | None:
    texts = DEFAULT_TEMPLATES.get(event_type)
    if texts is None:
        return None
    return texts.get(locale) or texts["uk"]
