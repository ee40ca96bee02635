"""Notify's log lines never name a person: a delivery id carries the citizen's `sub`, so logs
show it with the `sub` replaced by a digest (found by tests/security's log scan)."""

from __future__ import annotations

from services.notify.use_cases import loggable


def test_a_logged_delivery_id_keeps_event_and_channel_but_not_the_sub() -> None:
    shown = loggable("5f0c1e2a-1111-2222-3333-444455556666:citizen-olena-42:email")

    assert "citizen-olena-42" not in shown
    assert shown.startswith("5f0c1e2a-1111-2222-3333-444455556666:")
    assert shown.endswith(":email")


def test_two_citizens_stay_distinguishable_in_the_logs() -> None:
    first = loggable("event-1:citizen-a:inbox")
    second = loggable("event-1:citizen-b:inbox")

    assert first != second
    assert loggable("event-1:citizen-a:inbox") == first
