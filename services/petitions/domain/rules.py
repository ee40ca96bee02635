"""Pure rules of local e-petitions (Law 393/96-ВР Art. 23-1): who may file and sign, the
council's rules (threshold, collection period, who may sign), and the count's milestones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Signers = Literal["any", "residents"]
SIGNERS: tuple[str, ...] = ("any", "residents")
# One signature per IDENTIFIED person (Art. 23-1): BankID or a qualified e-signature, never an
# email-only account.
IDENTIFIED_ACR = frozenset({"substantial", "high"})
MILESTONES = (25, 50, 75, 100)

DEFAULT_THRESHOLD = 250
DEFAULT_COLLECTION_DAYS = 60
MODERATION_WORKING_DAYS = 2  # a petition lacking author data is removed within 2 working days
RESPONSE_WORKING_DAYS = 10  # the council considers a supported petition within 10 working days
TITLE_MAX = 200
TEXT_MAX = 10_000
REASON_MAX = 2_000
RESPONSE_TEXT_MAX = 20_000


@dataclass(frozen=True)
class PetitionRules:
    """A council's petition rules; the hromada statute sets them (Art. 23-1)."""

    threshold: int = DEFAULT_THRESHOLD
    collection_days: int = DEFAULT_COLLECTION_DAYS
    signers: Signers = "any"


def rules_of(platform: dict[str, Any], overrides: dict[str, Any]) -> PetitionRules:
    """Defaults, then the council's platform settings, then the petitions-specific overrides
    (`PUT .../petitions/settings`). A malformed stored value falls back to the default."""

    def pick(key: str, platform_key: str, default: int) -> int:
        for value in (overrides.get(key), platform.get(platform_key)):
            if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
                return value
        return default

    signers = overrides.get("signers")
    return PetitionRules(
        threshold=pick("threshold", "petition_threshold", DEFAULT_THRESHOLD),
        collection_days=pick(
            "collection_days", "petition_collection_days", DEFAULT_COLLECTION_DAYS
        ),
        signers=signers if signers in SIGNERS else "any",
    )


def is_identified(acr: str) -> bool:
    return acr in IDENTIFIED_ACR


def may_sign_as_resident(signers: str, residence: str | None, tenant: str) -> bool:
    """`residents`: only people whose verified residence is this hromada may sign."""
    return signers != "residents" or residence == tenant


def milestone_target(threshold: int, percent: int) -> int:
    """Signatures needed for `percent` of the threshold, rounded up (50 % of 5 is 3)."""
    return -(-threshold * percent // 100)


def milestones_reached(count: int, threshold: int) -> list[int]:
    return [p for p in MILESTONES if count >= milestone_target(threshold, p)]
