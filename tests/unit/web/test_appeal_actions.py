"""Which workflow buttons an official sees (mirrors the appeals state machine), the bodies the
forms send, and the inbox order."""

from __future__ import annotations

from web.appeal_actions import BY_NAME, action_body, actions_for, by_deadline


def test_an_open_appeal_can_be_answered_assigned_or_extended_but_not_closed() -> None:
    names = [a.name for a in actions_for("registered")]

    assert {"answer", "assign", "extend", "forward", "return"} <= set(names)
    assert "close" not in names


def test_art_7_forward_and_return_are_not_offered_after_reopening() -> None:
    names = [a.name for a in actions_for("reopened")]

    assert "forward" not in names and "return" not in names and "answer" in names


def test_an_answered_appeal_can_only_be_closed_or_reopened() -> None:
    assert [a.name for a in actions_for("answered")] == ["close", "reopen"]
    assert actions_for("no-such-status") == []


def test_art_20_extension_days_are_sent_as_a_number() -> None:
    body = action_body(BY_NAME["extend"], {"days": "10", "reason": " складне питання "})

    assert body == {"days": 10, "reason": "складне питання"}


def test_bad_days_are_sent_as_typed_so_the_service_names_the_field() -> None:
    assert action_body(BY_NAME["extend"], {"days": "ten", "reason": "x"})["days"] == "ten"


def test_an_empty_assignee_is_left_out() -> None:
    assert action_body(BY_NAME["assign"], {"department": "ЖКГ", "assignee": ""}) == {
        "department": "ЖКГ"
    }


def test_the_inbox_puts_overdue_appeals_first_then_the_nearest_deadline() -> None:
    items = [
        {"id": "later", "due_at": "2026-12-20T10:00:00Z", "overdue": False},
        {"id": "overdue", "due_at": "2026-11-01T10:00:00Z", "overdue": True},
        {"id": "sooner", "due_at": "2026-12-01T10:00:00Z", "overdue": False},
    ]

    assert [a["id"] for a in by_deadline(items)] == ["overdue", "sooner", "later"]
