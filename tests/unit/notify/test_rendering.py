"""Templates: the defaults read right; a council's template is sandboxed and checked on save."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2.exceptions import SecurityError

from services.notify.catalog import DEFAULT_TEMPLATES, default_template
from services.notify.rendering import TemplateText, render, to_html, unknown_variables
from services.notify.triggers import build_triggers

REGISTERED = {
    "number": "CHERNIVTSI-2026-5",
    "kind": "complaint",
    "subject": "Освітлення",
    "citizen_name": "Олена Коваль",
    "received_at": datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
    "due_at": datetime(2026, 4, 10, 21, 30, tzinfo=UTC),  # 11 April 00:30 in Kyiv
}


def test_art20_registered_notice_is_ukrainian_then_english_with_number_and_local_due_date() -> None:
    template = default_template("appeals.appeal.registered.v1", "uk")
    assert template is not None
    mail = render(template, REGISTERED, "Europe/Kyiv")
    assert mail.subject.startswith("Звернення № CHERNIVTSI-2026-5")
    uk, _, en = mail.text.partition("---")
    assert "скарга" in uk and "11.04.2026" in uk and "ст. 20" in uk
    assert "complaint" in en and "11.04.2026" in en and "Art. 20" in en


def test_every_default_template_uses_only_what_its_event_carries() -> None:
    triggers = build_triggers()
    assert set(triggers) == set(DEFAULT_TEMPLATES)  # each template has a known event type
    for event_type, texts in DEFAULT_TEMPLATES.items():
        for locale, template in texts.items():
            problems = unknown_variables(template, triggers[event_type].variables())
            assert problems == {}, (event_type, locale, problems)


def test_a_template_with_a_variable_the_event_lacks_is_refused_naming_it() -> None:
    template = TemplateText("№ {{ number }}", "Ваш ПІН: {{ citizen_pin }}")
    problems = unknown_variables(template, {"number", "citizen_name"})
    assert list(problems) == ["text"] and "citizen_pin" in problems["text"]


def test_a_template_that_does_not_parse_is_refused() -> None:
    problems = unknown_variables(TemplateText("{% if %}", "ok"), {"number"})
    assert "subject" in problems and "not a valid template" in problems["subject"]


def test_templates_run_in_a_sandbox() -> None:
    evil = TemplateText("x", "{{ number.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(SecurityError):
        render(evil, {"number": "1"}, "Europe/Kyiv")


def test_the_html_part_escapes_what_citizens_wrote() -> None:
    html = to_html("Тема: <script>alert(1)</script>\n\n---\n\nEnglish")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<hr>" in html


def test_amounts_in_kopiyky_show_as_hryvnias() -> None:
    rendered = render(TemplateText("{{ amount | money }}", "x"), {"amount": 34505}, "Europe/Kyiv")
    assert rendered.subject == "345.05 грн"
