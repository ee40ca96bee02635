"""Quiet hours, SMS failover, the messenger channel, and who a news item reaches."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

import httpx
import pytest

from services.notify.channels import (
    ChannelError,
    OutgoingMessage,
    SmsChannel,
    SmsProvider,
    TelegramChannel,
)
from services.notify.news import in_audience
from services.notify.preferences import QuietHours, preferences_from_doc

MESSAGE = OutgoingMessage(
    channel="sms",
    to="+380501234567",
    subject="Звернення",
    text="Зареєстровано",
    html="",
    message_id="<e1.sms@hromada.test>",
    tenant="bucha",
)


def test_quiet_hours_over_midnight_end_in_the_morning_on_the_councils_clock() -> None:
    quiet = QuietHours(time(22, 0), time(7, 0))
    assert quiet.covers(time(23, 30)) and quiet.covers(time(6, 59))
    assert not quiet.covers(time(7, 0)) and not quiet.covers(time(12, 0))
    late = datetime(2026, 3, 10, 21, 0, tzinfo=UTC)  # 23:00 in Kyiv
    assert quiet.ends_after(late, "Europe/Kyiv") == datetime(2026, 3, 11, 5, 0, tzinfo=UTC)
    noon = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    assert quiet.ends_after(noon, "Europe/Kyiv") == noon


def test_defaults_are_email_and_inbox_in_ukrainian() -> None:
    prefs = preferences_from_doc(None)
    assert prefs.allows("email") and prefs.allows("inbox")
    assert not prefs.allows("sms") and not prefs.allows("telegram") and prefs.locale == "uk"


def client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler)


async def test_sms_fails_over_to_the_next_provider_when_the_first_is_down() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.host)
        if request.url.host == "first":
            return httpx.Response(503)
        assert json.loads(request.content)["to"] == "+380501234567"
        return httpx.Response(201, json={"id": "m1"})

    providers = [SmsProvider("first", "http://first/sms"), SmsProvider("second", "http://second")]
    channel = SmsChannel(providers, client(httpx.MockTransport(handler)), rate_per_s=0)
    await channel.send(MESSAGE)
    assert calls == ["first", "second"]


async def test_sms_with_every_provider_down_is_an_error_to_retry() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    channel = SmsChannel(
        [SmsProvider("only", "http://only")], client(httpx.MockTransport(handler)), rate_per_s=0
    )
    with pytest.raises(ChannelError, match="only: ConnectError"):
        await channel.send(MESSAGE)


async def test_telegram_send_message_carries_the_chat_and_an_unaccepted_answer_fails() -> None:
    bodies: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/botT0KEN/sendMessage"
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"ok": len(bodies) == 1})

    channel = TelegramChannel("http://tg", "T0KEN", client(httpx.MockTransport(handler)), 0)
    await channel.send(MESSAGE)
    assert bodies[0]["chat_id"] == "+380501234567" and "Зареєстровано" in bodies[0]["text"]
    with pytest.raises(ChannelError):
        await channel.send(MESSAGE)


def test_news_audiences() -> None:
    news = {"tenant": "bucha", "audience": "residents"}
    assert in_audience(news, {"residence": "bucha"})
    assert not in_audience(news, {"residence": "irpin"})
    village = {"tenant": "bucha", "audience": "settlement", "settlement": "Ворзель"}
    assert in_audience(village, {"settlement": "Ворзель"})
    assert not in_audience(village, {"settlement": "Гаврилівка"})
    assert in_audience({"tenant": "bucha", "audience": "all"}, {})
