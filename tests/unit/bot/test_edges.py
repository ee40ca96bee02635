"""The webhook's secret check, the gateway letting only the webhook through without a bearer
token, the token exchange (always assurance `low`), and notify sending from the council's bot."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.citizen_tokens import Citizen, DevTokenExchange, Rfc8693TokenExchange
from bot.http import bot_of, check_secret
from bot.settings import BotSettings, TelegramBot
from bot.telegram import TelegramMessenger
from bot.webhooks import register_webhooks
from chassis.problems import Problem
from gateway.edge_auth import is_api_key_route
from services.notify.channels import OutgoingMessage, TelegramChannel

BOT = TelegramBot(token="t", secret="s3cret", username="hromada_bot")
CITIZEN = Citizen("chernivtsi", "sub-1", "Олена Коваль", "olena@example.ua", "chernivtsi")


def test_a_missing_secret_is_401_a_wrong_one_403() -> None:
    with pytest.raises(Problem) as missing:
        check_secret(BOT, None)
    assert missing.value.status == 401
    with pytest.raises(Problem) as wrong:
        check_secret(BOT, "s3cre")
    assert wrong.value.status == 403
    check_secret(BOT, "s3cret")


def test_a_council_without_a_bot_is_404() -> None:
    with pytest.raises(Problem) as missing:
        bot_of({"chernivtsi": BOT}, "uzhhorod")
    assert missing.value.status == 404


def test_the_gateway_lets_only_the_webhook_post_through_without_a_bearer_token() -> None:
    assert is_api_key_route("POST", "/api/v1/chernivtsi/bot/telegram/webhook")
    assert not is_api_key_route("POST", "/api/v1/chernivtsi/bot/links")
    assert not is_api_key_route("POST", "/api/v1/chernivtsi/bot/telegram/webhook/x")
    assert not is_api_key_route("DELETE", "/api/v1/chernivtsi/bot/telegram/webhook")


def test_bots_per_council_come_from_nested_variables_or_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HROMADA_TELEGRAM_BOTS__CHERNIVTSI__TOKEN", "tok")
    monkeypatch.setenv("HROMADA_TELEGRAM_BOTS__CHERNIVTSI__SECRET", "sec")
    assert BotSettings().telegram_bots["chernivtsi"].secret == "sec"
    monkeypatch.setenv("HROMADA_BOT_TELEGRAM_BOTS", '{"bucha": {"token": "b", "secret": "c"}}')
    assert BotSettings().telegram_bots["bucha"].token == "b"


async def test_the_dev_exchange_asks_for_a_low_token_and_reuses_it() -> None:
    asked: list[dict[str, object]] = []

    def issuer(request: httpx.Request) -> httpx.Response:
        asked.append(json.loads(request.content))
        return httpx.Response(200, json={"access_token": f"t{len(asked)}", "expires_in": 900})

    client = httpx.AsyncClient(transport=httpx.MockTransport(issuer))
    tokens = DevTokenExchange("http://gw", client, 900)
    assert await tokens.token_for(CITIZEN) == "t1"
    assert await tokens.token_for(CITIZEN) == "t1"
    assert len(asked) == 1
    assert asked[0]["acr"] == "low" and asked[0]["roles"] == ["citizen"]
    assert asked[0]["sub"] == "sub-1" and asked[0]["email"] == "olena@example.ua"


async def test_the_rfc8693_exchange_names_the_subject_with_the_bots_credentials() -> None:
    seen: list[httpx.Request] = []

    def idp(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": "x", "expires_in": 300})

    client = httpx.AsyncClient(transport=httpx.MockTransport(idp))
    tokens = Rfc8693TokenExchange("https://idp/token", "hromada-bot", "pw", client)
    assert await tokens.token_for(CITIZEN) == "x"
    form = dict(httpx.QueryParams(seen[0].content.decode()))
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    assert form["requested_subject"] == "sub-1"
    assert seen[0].headers["authorization"].startswith("Basic ")


async def test_notify_sends_a_councils_notice_from_that_councils_bot() -> None:
    paths: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        return httpx.Response(200, json={"ok": True})

    client = httpx.AsyncClient(transport=httpx.MockTransport(api))
    channel = TelegramChannel("http://tg", "DEFAULT", client, 0, bot_tokens={"chernivtsi": "CH"})
    for tenant in ("chernivtsi", "bucha"):
        message = OutgoingMessage("telegram", "42", "S", "T", "<p>T</p>", "<id>", tenant)
        await channel.send(message)
    assert paths == ["/botCH/sendMessage", "/botDEFAULT/sendMessage"]


async def test_each_councils_bot_is_pointed_at_its_webhook_with_its_secret() -> None:
    calls: list[tuple[str, dict[str, object]]] = []

    def telegram(request: httpx.Request) -> httpx.Response:
        calls.append((request.url.path, json.loads(request.content)))
        ok = "/botBAD/" not in request.url.path
        return httpx.Response(200 if ok else 401, json={"ok": ok})

    client = httpx.AsyncClient(transport=httpx.MockTransport(telegram))
    bots = {"chernivtsi": BOT, "uzhhorod": TelegramBot(token="BAD", secret="x")}
    messengers = {t: TelegramMessenger("https://tg", b.token, client) for t, b in bots.items()}
    assert await register_webhooks("https://hromada.example/", bots, messengers) == 1
    path, body = calls[0]
    assert path == "/bott/setWebhook"
    assert body["url"] == "https://hromada.example/api/v1/chernivtsi/bot/telegram/webhook"
    assert body["secret_token"] == "s3cret"
