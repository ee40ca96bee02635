"""What the API shows of cycles and projects: no storage keys, no reviewer ids, no email."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.budget.domain import cycle as rules
from services.budget.domain.cycle import Cycle
from services.budget.files import public_file


def cycle_view(cycle: Cycle, now: datetime) -> dict[str, Any]:
    return {
        "id": cycle.id,
        "tenant": cycle.tenant,
        "year": cycle.year,
        "title": cycle.title,
        "categories": [c.__dict__ for c in cycle.categories],
        "rules": {**cycle.rules.__dict__, "eligibility": list(cycle.rules.eligibility)},
        "phases": {name: {"start": s, "end": e} for name, (s, e) in cycle.phases.items()},
        "phase": rules.current_phase(cycle, now),
        "paused": cycle.paused_at is not None,
        "paused_at": cycle.paused_at,
        "open": {
            action: rules.is_open_for(cycle, action, now) for action in rules.ACTIONS_OF_PHASE
        },
        "results_published": cycle.results_published,
    }


def project_view(doc: dict[str, Any], supports: int | None = None) -> dict[str, Any]:
    review = doc.get("review")
    view = {
        "id": doc["_id"],
        "cycle_id": doc["cycle_id"],
        "title": doc["title"],
        "description": doc["description"],
        "category": doc["category"],
        "cost": doc["cost"],
        "location": doc.get("location"),
        "author_name": doc.get("author_name"),
        "submitted_at": doc["submitted_at"],
        "status": doc["status"],
        "review": {k: review[k] for k in ("eligible", "reason", "at")} if review else None,
        "images": [public_file(f) for f in doc.get("images") or []],
        "photos": [public_file(f) for f in doc.get("photos") or []],
        "implementation": doc.get("implementation"),
        "implementation_log": [
            {k: u[k] for k in ("status", "progress", "note", "at")}
            for u in doc.get("implementation_log") or []
        ],
    }
    if supports is not None:
        view["supports"] = supports
    return view
