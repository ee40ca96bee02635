"""`key=value` arguments for tenant settings: values are JSON when they parse as JSON (numbers,
booleans, lists), plain strings otherwise; dotted keys nest (`rate_limits.requests_per_minute`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


class BadSetting(ValueError):
    """A `key=value` argument that is not one."""


def parse_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw  # `locale=uk` needs no quotes


def parse_settings(pairs: Iterable[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        parts = key.strip().split(".")
        if not sep or not all(parts):
            raise BadSetting(f"'{pair}' is not key=value (for example petition_threshold=300)")
        target = settings
        for part in parts[:-1]:
            nested = target.setdefault(part, {})
            if not isinstance(nested, dict):
                raise BadSetting(f"'{key}' sets both {part} and something inside it")
            target = nested
        target[parts[-1]] = parse_value(raw.strip())
    return settings


def flatten(settings: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Nested settings as (dotted key, value) rows for a table."""
    rows: list[tuple[str, Any]] = []
    for key, value in settings.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            rows.extend(flatten(value, f"{name}."))
        else:
            rows.append((name, value))
    return rows
