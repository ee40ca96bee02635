"""The preferences form as the notify API body."""

from __future__ import annotations

from web.notify_pages import preferences_body


def test_unticked_channels_are_off_and_blank_texts_are_left_out() -> None:
    body = preferences_body({"email": "on", "locale": "en", "phone": "", "settlement": "Коровія"})

    assert body == {
        "email": True,
        "sms": False,
        "telegram": False,
        "inbox": False,
        "locale": "en",
        "settlement": "Коровія",
    }


def test_quiet_hours_are_sent_when_either_end_is_given_so_a_half_is_refused_by_name() -> None:
    body = preferences_body({"quiet_start": "22:00"})

    assert body["quiet_hours"] == {"start": "22:00", "end": ""}
    assert body["locale"] == "uk"
