"""A council's catalogue of appeal categories (also Open311's service list)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from chassis.problems import FieldError

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
NAME_MAX = 200
DESCRIPTION_MAX = 2_000


@dataclass
class Category:
    tenant: str
    code: str
    name: dict[str, str]
    description: str = ""
    active: bool = True


def validate_category(code: str, name: dict[str, str], description: str) -> list[FieldError]:
    errors = []
    if not CODE.match(code):
        errors.append(FieldError("code", "must match ^[a-z0-9][a-z0-9_-]{0,39}$"))
    errors += validate_name(name)
    if len(description) > DESCRIPTION_MAX:
        errors.append(FieldError("description", f"must be at most {DESCRIPTION_MAX} characters"))
    return errors


def validate_name(name: dict[str, str]) -> list[FieldError]:
    errors = []
    for locale in ("uk", "en"):
        value = (name.get(locale) or "").strip()
        if not value:
            errors.append(FieldError(f"name.{locale}", "is required"))
        elif len(value) > NAME_MAX:
            errors.append(FieldError(f"name.{locale}", f"must be at most {NAME_MAX} characters"))
    return errors
