"""Daily reconciliation: our successful payments against the provider's statement, per budget
code, listing every mismatch (nothing is netted away)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

MismatchKind = Literal[
    "missing_at_provider",  # we recorded a success the provider does not list
    "unknown_here",  # the provider took money for an order we do not know
    "not_paid_here",  # the provider took money, but our payment is not paid (e.g. expired)
    "amount_differs",
]
UNKNOWN_BUDGET_CODE = "unknown"


@dataclass(frozen=True)
class OurPayment:
    payment_id: str
    status: str
    amount: int
    budget_code: str
    paid: bool  # success / refund_pending / refunded on that day


@dataclass(frozen=True)
class ProviderTransaction:
    order_id: str
    amount: int
    status: str  # Hromada's status for the provider's ("success", "refunded", ...)
    transaction_id: str
    tenant: str | None = None  # the council the order was made for, as we told the provider


@dataclass(frozen=True)
class Mismatch:
    kind: MismatchKind
    payment_id: str
    our_amount: int | None
    provider_amount: int | None
    detail: str = ""


@dataclass
class BudgetCodeReport:
    budget_code: str
    our_count: int = 0
    our_total: int = 0
    provider_count: int = 0
    provider_total: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)


def reconcile(
    paid_here: list[OurPayment],
    statement: list[ProviderTransaction],
    known: dict[str, OurPayment],
) -> dict[str, BudgetCodeReport]:
    """`paid_here`: our payments paid on the day; `statement`: the provider's money-taking
    transactions of the day; `known`: our payment for any other order the statement names."""
    reports: dict[str, BudgetCodeReport] = defaultdict(lambda: BudgetCodeReport(""))

    def report(code: str) -> BudgetCodeReport:
        found = reports[code]
        found.budget_code = code
        return found

    theirs = {t.order_id: t for t in statement}
    for ours in paid_here:
        r = report(ours.budget_code)
        r.our_count += 1
        r.our_total += ours.amount
        if ours.payment_id not in theirs:
            r.mismatches.append(Mismatch("missing_at_provider", ours.payment_id, ours.amount, None))
    ours_by_id = {p.payment_id: p for p in paid_here}
    for txn in statement:
        mine = ours_by_id.get(txn.order_id) or known.get(txn.order_id)
        r = report(mine.budget_code if mine else UNKNOWN_BUDGET_CODE)
        r.provider_count += 1
        r.provider_total += txn.amount
        if mine is None:
            r.mismatches.append(Mismatch("unknown_here", txn.order_id, None, txn.amount))
        elif txn.order_id not in ours_by_id:
            detail = f"our status: {mine.status}"
            kind: MismatchKind = "not_paid_here"
            r.mismatches.append(Mismatch(kind, txn.order_id, mine.amount, txn.amount, detail))
        elif mine.amount != txn.amount:
            r.mismatches.append(Mismatch("amount_differs", txn.order_id, mine.amount, txn.amount))
    return dict(sorted(reports.items()))
