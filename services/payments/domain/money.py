"""Money is integer kopiyky inside Hromada; LiqPay speaks hryvnias with two decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def to_hryvnias(kopiyky: int) -> str:
    return f"{Decimal(kopiyky) / 100:.2f}"


def to_kopiyky(hryvnias: object) -> int:
    """Parse a provider's amount (345, 345.5, "345.50") exactly; ValueError if not money."""
    try:
        value = Decimal(str(hryvnias))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {hryvnias!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {hryvnias!r}")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_uah(kopiyky: int) -> str:
    """For people: 34500 -> "345.00 грн"."""
    return f"{to_hryvnias(kopiyky)} грн"
