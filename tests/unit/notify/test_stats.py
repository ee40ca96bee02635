"""Notify's dashboard figures from the `$group` by delivery status."""

from __future__ import annotations

from services.notify.stats import delivery_figures


def test_figures_split_sent_failed_and_pending() -> None:
    groups = [
        {"_id": "sent", "n": 7},
        {"_id": "failed", "n": 2},
        {"_id": "retrying", "n": 1},
        {"_id": "sending", "n": 1},
        {"_id": "cancelled", "n": 4},  # erased on the citizen's request: not counted
    ]
    assert delivery_figures(groups) == {
        "deliveries_sent": 7,
        "deliveries_failed": 2,
        "deliveries_pending": 2,
    }


def test_a_council_without_deliveries_has_zeroes() -> None:
    assert delivery_figures([]) == {
        "deliveries_sent": 0,
        "deliveries_failed": 0,
        "deliveries_pending": 0,
    }
