"""The payment state machine, LiqPay's signing scheme and money conversions (no I/O)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from services.payments.domain import IllegalTransition, Payment, Requisites, transition
from services.payments.domain.liqpay import BadSignature, encode_data, sign, verify_and_decode
from services.payments.domain.model import NEXT, TERMINAL_STATUSES, path_to
from services.payments.domain.money import to_hryvnias, to_kopiyky

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)
REQUISITES = Requisites(
    "Казначейство", "UA213223130000026007233566001", "37978503", "22012500", "*;101;"
)


def payment(status: str = "created") -> Payment:
    return Payment(
        id="p-1",
        tenant="chernivtsi",
        purpose="service",
        reference="passport-id",
        amount=34500,
        requisites=REQUISITES,
        description="ID-картка",
        citizen_sub="c1",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=90),
        status=status,
    )


def test_the_happy_path_records_every_change_in_history() -> None:
    p = payment()
    for status in ("started", "success", "refund_pending", "refunded"):
        p = transition(p, status, NOW, "test")
    assert [h.status for h in p.history] == ["started", "success", "refund_pending", "refunded"]
    assert p.updated_at == NOW


@pytest.mark.parametrize("terminal", sorted(TERMINAL_STATUSES))
@pytest.mark.parametrize("target", sorted(NEXT))
def test_terminal_states_never_change(terminal: str, target: str) -> None:
    with pytest.raises(IllegalTransition) as raised:
        transition(payment(terminal), target, NOW, "test")
    assert raised.value.current == terminal
    assert terminal in str(raised.value)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        ("created", "success"),
        ("created", "refund_pending"),
        ("started", "refunded"),
        ("success", "failed"),
    ],
)
def test_steps_cannot_be_skipped_by_a_direct_transition(current: str, wanted: str) -> None:
    with pytest.raises(IllegalTransition):
        transition(payment(current), wanted, NOW, "test")


def test_a_repeated_provider_report_changes_nothing() -> None:
    assert path_to("success", "success") == []
    assert path_to("started", "started") == []


def test_a_success_whose_processing_report_was_lost_passes_through_started() -> None:
    assert path_to("created", "success") == ["started", "success"]
    assert path_to("created", "failed") == ["started", "failed"]


def test_a_late_processing_report_after_the_outcome_is_old_news() -> None:
    assert path_to("success", "started") == []


@pytest.mark.parametrize("terminal", ["expired", "cancelled", "failed"])
def test_a_provider_success_after_a_terminal_state_is_refused(terminal: str) -> None:
    with pytest.raises(IllegalTransition):
        path_to(terminal, "success")


def test_liqpay_signature_is_base64_of_sha1_of_key_data_key() -> None:
    data = encode_data({"order_id": "p-1", "amount": "345.00"})
    expected = base64.b64encode(hashlib.sha1(f"k{data}k".encode()).digest()).decode()
    assert sign("k", data) == expected
    assert verify_and_decode("k", data, expected) == {"order_id": "p-1", "amount": "345.00"}


def test_a_forged_or_tampered_message_is_refused() -> None:
    data = encode_data({"order_id": "p-1", "status": "success"})
    with pytest.raises(BadSignature):
        verify_and_decode("k", data, sign("another key", data))
    tampered = encode_data({"order_id": "p-1", "status": "success", "amount": 1})
    with pytest.raises(BadSignature):
        verify_and_decode("k", tampered, sign("k", data))
    with pytest.raises(BadSignature):
        verify_and_decode("k", "not base64!", sign("k", "not base64!"))


def test_money_converts_exactly_between_kopiyky_and_hryvnias() -> None:
    assert to_hryvnias(34500) == "345.00"
    assert to_hryvnias(1) == "0.01"
    assert to_kopiyky(345.5) == 34550
    assert to_kopiyky("0.1") == 10
    assert to_kopiyky(0.29) == 29  # a float that is not exactly 0.29 still gives 29
    with pytest.raises(ValueError):
        to_kopiyky("lots")
