"""Who may attach files to an appeal or read them, and how many and how large they may be.

Pure rules, no I/O. A caller who may not see the appeal at all gets the same 404 as for a
missing one, so attachment ids and appeal ids reveal nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from chassis.auth import Principal
from chassis.problems import FieldError, Problem
from services.appeals.domain import OPEN_STATUSES

Purpose = Literal["appeal", "answer"]
PURPOSES: tuple[Purpose, ...] = ("appeal", "answer")
# Where each purpose's files are listed on the appeal document.
ARRAY_OF: dict[Purpose, str] = {"appeal": "attachments", "answer": "answer_attachments"}

# The author adds files while the council still owes an answer (registered, assigned, reopened);
# once it is answered, closed, forwarded or returned their part is done until a reopening.
AUTHOR_MAY_ATTACH_IN = OPEN_STATUSES

MIB = 1024 * 1024
DEFAULT_MAX_MB = 10.0
DEFAULT_MAX_COUNT = 5


@dataclass(frozen=True)
class AttachmentLimits:
    """A council's limits per file and per appeal (tenant settings `appeal_attachment_max_mb`
    and `appeal_attachment_max_count`)."""

    max_bytes: int = int(DEFAULT_MAX_MB * MIB)
    max_count: int = DEFAULT_MAX_COUNT

    @classmethod
    def from_tenant_settings(
        cls,
        settings: Mapping[str, Any],
        default_mb: float = DEFAULT_MAX_MB,
        default_count: int = DEFAULT_MAX_COUNT,
    ) -> AttachmentLimits:
        mb = _number(settings.get("appeal_attachment_max_mb"))
        count = _number(settings.get("appeal_attachment_max_count"))
        return cls(
            max_bytes=int((mb if mb is not None and mb > 0 else default_mb) * MIB),
            # 0 is a council's choice: no attachments at all.
            max_count=int(count if count is not None and count >= 0 else default_count),
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def parse_purpose(value: str | None) -> Purpose:
    if value in (None, "", "appeal"):
        return "appeal"
    if value == "answer":
        return "answer"
    raise Problem(
        422,
        "purpose: must be 'appeal' or 'answer'",
        errors=[FieldError("purpose", "must be 'appeal' or 'answer'")],
    )


def check_may_read(appeal: Mapping[str, Any], tenant: str, caller: Principal) -> None:
    """The author and the council's staff; anyone else cannot tell the appeal exists."""
    if appeal.get("citizen_sub") != caller.sub and not caller.is_staff_of(tenant):
        raise Problem(404, "No such appeal.")


def check_may_attach(
    appeal: Mapping[str, Any], tenant: str, caller: Principal, purpose: Purpose
) -> None:
    """Staff attach to the appeal or its answer at any stage; the author adds evidence to
    their own appeal while it is still being considered."""
    check_may_read(appeal, tenant, caller)
    if caller.is_staff_of(tenant):
        return
    if purpose == "answer":
        raise Problem(403, "Only the council's staff attach files to the answer.")
    status = str(appeal.get("status", ""))
    if status not in AUTHOR_MAY_ATTACH_IN:
        raise Problem(409, f"The appeal is {status}; files can no longer be added to it.")


def check_room_for_one_more(
    appeal: Mapping[str, Any], purpose: Purpose, limits: AttachmentLimits
) -> None:
    if len(appeal.get(ARRAY_OF[purpose]) or []) >= limits.max_count:
        raise too_many(limits)


def too_many(limits: AttachmentLimits) -> Problem:
    message = f"at most {limits.max_count} files may be attached"
    return Problem(422, f"file: {message}", errors=[FieldError("file", message)])


def too_large(limits: AttachmentLimits) -> Problem:
    megabytes = f"{limits.max_bytes / MIB:g}"
    return Problem(413, f"file: must not exceed {megabytes} MB")


def find_attachment(appeal: Mapping[str, Any], attachment_id: str) -> dict[str, Any]:
    for array in ARRAY_OF.values():
        for item in appeal.get(array) or []:
            if item.get("id") == attachment_id:
                return dict(item)
    raise Problem(404, "No such attachment.")
