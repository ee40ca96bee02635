from datetime import UTC, datetime

from contracts.appeals import AppealRegistered
from services.notify.templates import appeal_registered_email


def test_appeal_registered_email_is_ukrainian_then_english_with_number_and_due_date() -> None:
    event = AppealRegistered(
        appeal_id="a1",
        number="CHERNIVTSI-2026-5",
        kind="complaint",
        subject="Освітлення",
        citizen_sub="s1",
        citizen_name="Олена Коваль",
        email="olena@example.ua",
        received_at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC),
        due_at=datetime(2026, 4, 10, 8, 0, tzinfo=UTC),
    )
    mail = appeal_registered_email(event, "Europe/Kyiv")
    assert "CHERNIVTSI-2026-5" in mail.subject
    assert mail.subject.startswith("Звернення")
    uk, _, en = mail.text.partition("---")
    assert "скарга" in uk and "10.04.2026" in uk and "CHERNIVTSI-2026-5" in uk
    assert "complaint" in en and "10.04.2026" in en and "CHERNIVTSI-2026-5" in en
