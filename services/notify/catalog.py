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
    # Petitions: to the author.
    "petitions.petition.published.v1": _bilingual(
        "Петицію «{{ title }}» оприлюднено",
        'Petition "{{ title }}" published',
        """Шановний(-а) {{ author_name }}!

Вашу петицію «{{ title }}» оприлюднено. Потрібно {{ threshold }} підписів до
{{ deadline_at | date }} (ст. 23-1 Закону «Про місцеве самоврядування в Україні»).""",
        """Dear {{ author_name }},

Your petition "{{ title }}" is published. It needs {{ threshold }} signatures by
{{ deadline_at | date }}.""",
    ),
    "petitions.petition.rejected.v1": _bilingual(
        "Петицію «{{ title }}» не оприлюднено",
        'Petition "{{ title }}" not published',
        """Шановний(-а) {{ author_name }}!

Вашу петицію «{{ title }}» не оприлюднено. Причина: {{ reason }}""",
        """Dear {{ author_name }},

Your petition "{{ title }}" was not published. Reason: {{ reason }}""",
    ),
    "petitions.petition.milestone_reached.v1": _bilingual(
        "Петиція «{{ title }}»: {{ percent }}% підписів",
        'Petition "{{ title }}": {{ percent }}% of signatures',
        """Вашу петицію «{{ title }}» підписали {{ signature_count }} осіб
({{ percent }}% від {{ threshold }}).""",
        """{{ signature_count }} people have signed your petition "{{ title }}"
({{ percent }}% of {{ threshold }}).""",
    ),
    "petitions.petition.threshold_reached.v1": _bilingual(
        "Петиція «{{ title }}» набрала потрібні підписи",
        'Petition "{{ title }}" reached its threshold',
        """Петиція «{{ title }}» набрала {{ signature_count }} підписів. Рада розгляне її
до {{ response_due_at | date }}.""",
        """Your petition "{{ title }}" has {{ signature_count }} signatures. The council will
consider it by {{ response_due_at | date }}.""",
    ),
    "petitions.petition.answered.v1": _bilingual(
        "Відповідь на петицію «{{ title }}»",
        'Answer to petition "{{ title }}"',
        """Рада розглянула петицію «{{ title }}»: {% if decision == "supported" %}підтримано{%
else %}не підтримано{% endif %}.

{{ response_summary }}""",
        """The council considered the petition "{{ title }}": {% if decision == "supported"
%}supported{% else %}not supported{% endif %}.

{{ response_summary }}""",
    ),
    # Participatory budget: to the project's author; voting and results to everyone (news).
    "budget.project.reviewed.v1": _bilingual(
        "Проєкт «{{ title }}» розглянуто",
        'Project "{{ title }}" reviewed',
        """Шановний(-а) {{ author_name }}!

Ваш проєкт «{{ title }}» {% if eligible %}допущено до голосування (вартість {{ cost }} грн){%
else %}не допущено до голосування{% endif %}. {{ reason }}""",
        """Dear {{ author_name }},

Your project "{{ title }}" {% if eligible %}is on the ballot (cost {{ cost }} UAH){% else
%}is not on the ballot{% endif %}. {{ reason }}""",
    ),
    "budget.cycle.phase_changed.v1": _bilingual(
        "Громадський бюджет {{ year }}: голосування відкрито",
        "Participatory budget {{ year }}: voting is open",
        """Розпочалося голосування за проєкти громадського бюджету «{{ title }}»{% if
phase_ends_at %} — до {{ phase_ends_at | date }}{% endif %}. Оберіть проєкти, які варто
втілити у вашій громаді.""",
        """Voting on the participatory budget "{{ title }}" has begun{% if phase_ends_at %}
and runs until {{ phase_ends_at | date }}{% endif %}. Choose the projects your hromada
should build.""",
    ),
    "budget.cycle.results_published.v1": _bilingual(
        "Громадський бюджет {{ year }}: результати",
        "Participatory budget {{ year }}: results",
        """Підраховано {{ votes }} голосів за проєкти «{{ title }}». Переможці:
{% for category in categories %}{% for project in category.funded %}
- {{ project.title }} ({{ project.votes }} голосів)
{%- endfor %}{% endfor %}""",
        """{{ votes }} votes were counted in "{{ title }}". The funded projects:
{% for category in categories %}{% for project in category.funded %}
- {{ project.title }} ({{ project.votes }} votes)
{%- endfor %}{% endfor %}""",
    ),
    # ASC e-queue: to the citizen who booked.
    "queue.booking.created.v1": _bilingual(
        "Запис до ЦНАП: {{ start | datetime }}",
        "ASC visit booked: {{ start | datetime }}",
        """Ви записані: {{ service_name }}, {{ office_name }} {{ office_address }},
{{ start | datetime }}.{% if paid %} Сплатіть {{ amount | money }} до {{ hold_expires_at |
datetime }}, інакше запис скасується.{% endif %}""",
        """You are booked: {{ service_name }}, {{ office_name }} {{ office_address }},
{{ start | datetime }}.{% if paid %} Please pay {{ amount | money }} by {{ hold_expires_at |
datetime }} or the booking lapses.{% endif %}""",
    ),
    "queue.booking.confirmed.v1": _bilingual(
        "Запис до ЦНАП підтверджено: {{ start | datetime }}",
        "ASC visit confirmed: {{ start | datetime }}",
        """Оплату отримано, запис підтверджено: {{ service_name }}, {{ office_name }},
{{ start | datetime }}.""",
        """Payment received, your visit is confirmed: {{ service_name }}, {{ office_name }},
{{ start | datetime }}.""",
    ),
    "queue.booking.reminder_due.v1": _bilingual(
        "Нагадування: ЦНАП {{ start | datetime }}",
        "Reminder: ASC visit {{ start | datetime }}",
        """Нагадуємо про візит: {{ service_name }}, {{ office_name }} {{ office_address }},
{{ start | datetime }}. Візьміть документи.""",
        """A reminder of your visit: {{ service_name }}, {{ office_name }} {{ office_address }},
{{ start | datetime }}. Bring your documents.""",
    ),
    "queue.booking.moved.v1": _bilingual(
        "Запис до ЦНАП перенесено на {{ start | datetime }}",
        "ASC visit moved to {{ start | datetime }}",
        """Через повітряну тривогу Ваш візит ({{ service_name }}, {{ office_name }}) з
{{ previous_start | datetime }} перенесено на {{ start | datetime }}.""",
        """Because of an air-raid alert your visit ({{ service_name }}, {{ office_name }}) was
moved from {{ previous_start | datetime }} to {{ start | datetime }}.""",
    ),
    "queue.booking.cancelled.v1": _bilingual(
        "Запис до ЦНАП скасовано",
        "ASC visit cancelled",
        """Ваш запис ({{ service_name }}, {{ office_name }}, {{ start | datetime }}) скасовано.
{% if reason == "air_raid_alert" %}Причина: повітряна тривога.{% elif reason ==
"hold_expired" or reason == "payment_expired" %}Причина: оплату не отримано вчасно.{% endif
%}{% if detail %} {{ detail }}{% endif %}""",
        """Your visit ({{ service_name }}, {{ office_name }}, {{ start | datetime }}) was
cancelled.{% if reason == "air_raid_alert" %} Reason: an air-raid alert.{% elif reason ==
"hold_expired" or reason == "payment_expired" %} Reason: the fee was not paid in time.{%
endif %}{% if detail %} {{ detail }}{% endif %}""",
    ),
}

LOCALES = ("uk", "en")


def default_template(event_type: str, locale: str) -> TemplateText | None:
    texts = DEFAULT_TEMPLATES.get(event_type)
    if texts is None:
        return None
    return texts.get(locale) or texts["uk"]
