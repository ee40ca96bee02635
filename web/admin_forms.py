"""Pure builders for the administrators' forms: a budget cycle from its form, and the regional
dashboard's charts from the gateway's figures."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from web.pages import KYIV

PHASES = ("submission", "support", "review", "voting", "results", "implementation")
# Each phase runs from its start date to the next one's; implementation to `end`.
DATE_FIELDS = (*PHASES, "end")
MAX_CATEGORIES = 3


def _int_or_raw(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def cycle_body(form: dict[str, str]) -> dict[str, Any]:
    """The budget API's cycle from the form; dates are midnights on the Kyiv wall clock.
    A date that does not parse is sent as typed, so the API's 422 names the phase."""
    starts: dict[str, Any] = {}
    for name in DATE_FIELDS:
        raw = form.get(f"date_{name}", "")
        try:
            starts[name] = datetime.combine(date.fromisoformat(raw), time(), KYIV).isoformat()
        except ValueError:
            starts[name] = raw
    phases = {name: [starts[name], starts[DATE_FIELDS[i + 1]]] for i, name in enumerate(PHASES)}
    categories = [
        {
            "code": form.get(f"cat{i}_code", ""),
            "title": form.get(f"cat{i}_title", ""),
            "funds": _int_or_raw(form.get(f"cat{i}_funds", "")),
            "max_project_cost": _int_or_raw(form.get(f"cat{i}_max", "")),
        }
        for i in range(MAX_CATEGORIES)
        if form.get(f"cat{i}_code")
    ]
    rules: dict[str, Any] = {}
    for name in ("votes_per_voter", "min_age", "support_threshold"):
        if form.get(name):
            rules[name] = _int_or_raw(form[name])
    body: dict[str, Any] = {
        "year": _int_or_raw(form.get("year", "")),
        "title": form.get("title", ""),
        "categories": categories,
        "phases": phases,
    }
    if rules:
        body["rules"] = rules
    return body


# (service, figure, title key): what the regional dashboard draws, one chart each.
DASHBOARD_FIGURES = (
    ("appeals", "received", "dash.appeals_received"),
    ("appeals", "overdue", "dash.appeals_overdue"),
    ("appeals", "answered_on_time_pct", "dash.appeals_on_time"),
    ("petitions", "signatures", "dash.signatures"),
    ("budget", "votes", "dash.votes"),
    ("queue", "tickets", "dash.tickets"),
    ("payments", "paid_amount", "dash.paid_uah"),
)
TOP_COUNCILS = 12


def dashboard_rows(
    dashboard: dict[str, Any], service: str, figure: str, names: dict[str, str]
) -> list[tuple[str, float]]:
    """(council, value) for one figure, largest first; councils without it (or with nothing to
    show) left out. Money is shown in hryvnias (the API counts kopiyky)."""
    rows = []
    for council in dashboard.get("tenants", []):
        value = ((council.get("services") or {}).get(service) or {}).get(figure)
        if isinstance(value, int | float) and value > 0:
            shown = value / 100 if figure == "paid_amount" else value
            rows.append((names.get(council["slug"], council["slug"]), float(shown)))
    rows.sort(key=lambda row: -row[1])
    return rows[:TOP_COUNCILS]
