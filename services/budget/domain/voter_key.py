"""The voter's key: a keyed hash (HMAC-SHA256) of the person's national identifier.

Online it is the IdP-verified `person_id` claim (RNOKPP, or the ID document number for those
without one); offline it is the same identifier read from the passport by ASC staff. Both are
normalised the same way, so one person's online and paper votes share a key and the unique
indexes never let both count. The raw identifier is never stored; without the secret the key
cannot be reversed by trying every tax number.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from services.budget.domain.errors import RuleBroken

_SEPARATORS = re.compile(r"[\s\-–—/.№#]+")
_VALID = re.compile(r"^[0-9A-ZА-ЯІЇЄҐ]{6,20}$")


def normalise_reference(reference: str) -> str:
    """`"ab 123-456"` and `"AB123456"` are the same document: upper case, no separators."""
    cleaned = _SEPARATORS.sub("", reference.strip()).upper()
    if not _VALID.match(cleaned):
        raise RuleBroken(
            422,
            "Номер документа: 6-20 літер і цифр / The document reference must be 6-20 "
            "letters and digits.",
            "document_ref",
        )
    return cleaned


def voter_key(secret: bytes, reference: str) -> str:
    normalised = normalise_reference(reference)
    return hmac.new(secret, normalised.encode(), hashlib.sha256).hexdigest()


def account_key(secret: bytes, sub: str) -> str:
    """For supports by an account whose IdP gave no national identifier: the account itself."""
    return hmac.new(secret, f"sub:{sub}".encode(), hashlib.sha256).hexdigest()
