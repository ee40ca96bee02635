"""Art. 8 repeats: a simple normalized-token similarity of subjects, for flagging only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_TOKEN = 3
REPEAT_THRESHOLD = 0.6
REPEAT_WINDOW = timedelta(days=365)


def subject_tokens(text: str) -> set[str]:
    """Lower-cased words of three letters or more; apostrophes of Ukrainian words dropped."""
    cleaned = text.lower().replace("'", "").replace("’", "").replace("ʼ", "")
    return {w for w in _WORD.findall(cleaned) if len(w) >= MIN_TOKEN}


def similarity(a: set[str], b: set[str]) -> float:
    """Jaccard index of two token sets."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class EarlierAppeal:
    id: str
    number: str
    subject_tokens: frozenset[str]
    received_at: datetime


def find_likely_repeat(
    subject: str, received_at: datetime, earlier: Iterable[EarlierAppeal]
) -> EarlierAppeal | None:
    """Art. 8: the same citizen's most similar appeal of the last 12 months, if similar enough.
    Whether it really is a repeat on a matter already resolved is the official's decision."""
    tokens = subject_tokens(subject)
    best: tuple[float, EarlierAppeal] | None = None
    for candidate in earlier:
        if received_at - candidate.received_at > REPEAT_WINDOW:
            continue
        score = similarity(tokens, set(candidate.subject_tokens))
        if score >= REPEAT_THRESHOLD and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None
