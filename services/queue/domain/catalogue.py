"""The council's catalogue of administrative services (Law 5203-VI): what each costs, which
documents it needs, how long a visit takes and the longest term the law allows."""

from __future__ import annotations

import re
from typing import Annotated

import msgspec

from services.queue.domain.errors import invalid

# Law 5203-VI: an administrative service is provided within 30 calendar days at most.
MAX_TERM_DAYS = 30
CODE = r"^[a-z0-9][a-z0-9-]{1,39}$"


class Fee(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The administrative fee and the treasury requisites it is paid to."""

    amount: Annotated[int, msgspec.Meta(ge=1, description="In kopiyky")]
    iban: Annotated[str, msgspec.Meta(pattern=r"^UA\d{27}$")]
    edrpou: Annotated[str, msgspec.Meta(pattern=r"^\d{8}$")]
    recipient: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    budget_code: Annotated[str, msgspec.Meta(pattern=r"^\d{8}$")]
    currency: str = "UAH"


class Name(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    uk: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
    en: str | None = None


class AdminService(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One service of the catalogue; `ticket_letter` prefixes its hall tickets (A-017)."""

    code: Annotated[str, msgspec.Meta(pattern=CODE)]
    name: Name
    duration_minutes: Annotated[int, msgspec.Meta(ge=5, le=240)]
    max_term_days: Annotated[int, msgspec.Meta(ge=0)]
    paid: bool = False
    fee: Fee | None = None
    documents: list[str] = msgspec.field(default_factory=list)
    ticket_letter: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]$")] = "A"
    active: bool = True


def check_service(service: AdminService) -> AdminService:
    """Rules across fields: a paid service names its fee, a free one has none; the term."""
    if service.max_term_days > MAX_TERM_DAYS:
        raise invalid("max_term_days", f"at most {MAX_TERM_DAYS} calendar days (Law 5203-VI)")
    if service.paid and service.fee is None:
        raise invalid("fee", "a paid service needs its fee and treasury requisites")
    if not service.paid and service.fee is not None:
        raise invalid("fee", "a free service has no fee")
    if service.fee is not None and service.fee.currency != "UAH":
        raise invalid("fee.currency", "fees are paid in UAH")
    return service


def is_code(value: str) -> bool:
    return re.fullmatch(CODE, value) is not None
