"""The tamper-evident audit trail of one appeal: a hash chain.

Each entry's hash is sha256 over the canonical JSON of the entry (its prev_hash included), so
changing, removing or re-ordering any entry breaks every link after it. Values are kept to
JSON primitives (times as ISO strings) so what is stored is exactly what was hashed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who made a change: the IdP subject and the role they acted in."""

    sub: str
    role: str
    name: str = ""


SYSTEM = Actor(sub="system", role="system", name="")


def json_safe(value: Any) -> Any:
    """Times as UTC ISO strings with milliseconds (what MongoDB keeps), recursively."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def next_entry(
    audit: list[dict[str, Any]], at: datetime, actor: Actor, action: str, details: dict[str, Any]
) -> dict[str, Any]:
    """The entry that follows `audit` (not appended: the store appends it atomically)."""
    entry: dict[str, Any] = {
        "seq": len(audit) + 1,
        "at": json_safe(at),
        "actor": {"sub": actor.sub, "role": actor.role},
        "action": action,
        "details": json_safe(details),
        "prev_hash": audit[-1]["hash"] if audit else GENESIS,
    }
    entry["hash"] = entry_hash(entry)
    return entry


def first_broken_seq(audit: list[dict[str, Any]]) -> int | None:
    """The seq of the first entry whose link does not hold, or None if the chain is intact.
    An entry counts as broken if it was edited, or if what precedes it was."""
    previous = GENESIS
    for position, entry in enumerate(audit, start=1):
        if (
            entry.get("seq") != position
            or entry.get("prev_hash") != previous
            or entry.get("hash") != entry_hash(entry)
        ):
            seq = entry.get("seq")
            return seq if isinstance(seq, int) else position
        previous = entry["hash"]
    return None
