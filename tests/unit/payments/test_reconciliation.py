"""Daily reconciliation: every kind of mismatch is listed under its budget code."""

from __future__ import annotations

from services.payments.domain.reconciliation import OurPayment, ProviderTransaction, reconcile


def ours(
    pid: str, amount: int = 34500, code: str = "22012500", status: str = "success"
) -> OurPayment:
    return OurPayment(pid, status, amount, code, paid=True)


def theirs(pid: str, amount: int = 34500) -> ProviderTransaction:
    return ProviderTransaction(pid, amount, "success", f"tx-{pid}")


def test_matching_days_have_no_mismatches_and_equal_totals() -> None:
    report = reconcile([ours("a"), ours("b", 16000)], [theirs("a"), theirs("b", 16000)], {})
    code = report["22012500"]
    assert (code.our_count, code.our_total) == (2, 50500)
    assert (code.provider_count, code.provider_total) == (2, 50500)
    assert code.mismatches == []


def test_every_mismatch_is_listed_per_budget_code() -> None:
    late = OurPayment("late", "expired", 34000, "21081100", paid=False)
    report = reconcile(
        [ours("missing"), ours("differs"), ours("fine", 34000, "21081100")],
        [
            theirs("differs", 30000),
            theirs("fine", 34000),
            theirs("late", 34000),
            theirs("stranger"),
        ],
        {"late": late},
    )
    fees = {m.kind: m for m in report["22012500"].mismatches}
    assert set(fees) == {"missing_at_provider", "amount_differs"}
    assert (fees["amount_differs"].our_amount, fees["amount_differs"].provider_amount) == (
        34500,
        30000,
    )
    fines = report["21081100"].mismatches
    assert [(m.kind, m.payment_id) for m in fines] == [("not_paid_here", "late")]
    assert "expired" in fines[0].detail
    assert [(m.kind, m.payment_id) for m in report["unknown"].mismatches] == [
        ("unknown_here", "stranger")
    ]


def test_dashboard_figures_count_money_kept_not_money_returned() -> None:
    from services.payments.stats import summarise_payments

    rows = [
        {"status": "success", "amount": 34500},
        {"status": "refunded", "amount": 9100},
        {"status": "refund_pending", "amount": 100},
        {"status": "created", "amount": 5},
        {"status": "started", "amount": 5},
        {"status": "expired", "amount": 5},
        {"status": "failed", "amount": 5},
    ]
    stats = summarise_payments(rows)
    assert (stats.payments, stats.paid, stats.paid_amount) == (7, 3, 34600)
    assert (stats.refunded, stats.open, stats.expired, stats.failed) == (1, 2, 1, 1)
