"""Sandboxed template rendering: a council's own templates are data written by its staff, so
they run in Jinja's sandbox (no attribute tricks, no I/O) with strict variables.

A template may use only the variables its event carries; `unknown_variables` lets a template
be refused when it is saved rather than fail when a citizen should have been told something.
Dates are shown on the council's wall clock: `{{ due_at | date }}` -> 10.04.2026.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

TIMEZONE_VARIABLE = "_timezone"
APPEAL_KIND_UK = {"proposal": "пропозиція", "statement": "заява", "complaint": "скарга"}


@dataclass(frozen=True)
class TemplateText:
    """A notice's subject line and plain-text body (the HTML part is derived from the text)."""

    subject: str
    text: str


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _moment(context: Context, value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(ZoneInfo(context.get(TIMEZONE_VARIABLE) or "Europe/Kyiv"))


@pass_context
def _date(context: Context, value: Any) -> str:
    return _moment(context, value).strftime("%d.%m.%Y")


@pass_context
def _datetime(context: Context, value: Any) -> str:
    return _moment(context, value).strftime("%d.%m.%Y %H:%M")


def _money(kopiyky: Any) -> str:
    """34500 -> "345.00 грн" (amounts travel as integer kopiyky)."""
    return f"{int(kopiyky) // 100}.{int(kopiyky) % 100:02d} грн"


def _appeal_kind_uk(kind: Any) -> str:
    return APPEAL_KIND_UK.get(str(kind), str(kind))


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )
    env.filters.update(date=_date, datetime=_datetime, money=_money, appeal_kind_uk=_appeal_kind_uk)
    return env


ENVIRONMENT = _environment()


@lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    return ENVIRONMENT.from_string(source)


def unknown_variables(template: TemplateText, available: set[str]) -> dict[str, str]:
    """Per part (subject / text): what is wrong with it, if anything — a syntax error, or the
    variables it uses that its event does not carry."""
    problems: dict[str, str] = {}
    for part, source in (("subject", template.subject), ("text", template.text)):
        try:
            used = meta.find_undeclared_variables(ENVIRONMENT.parse(source))
        except TemplateSyntaxError as exc:
            problems[part] = f"is not a valid template: {exc.message} (line {exc.lineno})"
            continue
        missing = sorted(used - available - {TIMEZONE_VARIABLE})
        if missing:
            problems[part] = "uses variables this event does not carry: " + ", ".join(missing)
    return problems


def to_html(text: str) -> str:
    """The HTML part of an email: the same text, escaped, one paragraph per blank-line block."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(
        "<hr>" if p.strip() == "---" else "<p>" + html.escape(p).replace("\n", "<br>") + "</p>"
        for p in paragraphs
    )
    return f'<!doctype html>\n<html><body style="font-family:sans-serif">\n{body}\n</body></html>\n'


def render(template: TemplateText, variables: Mapping[str, Any], timezone: str) -> Rendered:
    values = {**variables, TIMEZONE_VARIABLE: timezone}
    subject = " ".join(_compiled(template.subject).render(values).split())
    text = _compiled(template.text).render(values)
    return Rendered(subject=subject, text=text, html=to_html(text))
