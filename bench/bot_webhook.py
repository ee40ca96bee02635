"""Telegram webhook updates through the gateway to the messenger bot, N chats at once.

Each chat sends `--per-chat` messages in turn (under the bot's 20-a-minute chat limit), every
update POSTed twice as Telegram does when a webhook is slow. Prints the webhook's throughput and
latency (the 200 Telegram waits for), errors, and from the Bot API stand-in: replies per
update (1.0 = no update answered twice or lost) and the lag from the webhook's 200 to the reply.
Needs the running suite (`make up`).

    uv run python bench/bot_webhook.py --chats 20 --per-chat 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import datetime

import httpx

from bench.appeals_submit import percentile, status


def token_and_secret(tenant: str) -> tuple[str, str]:
    return f"dev-{tenant}-bot-token", f"dev-{tenant}-webhook-secret"


async def run(args: argparse.Namespace) -> dict:
    stack = status()
    gateway, sinks = stack["gateway"]["url"], stack["notify_sinks"]["url"]
    token, secret = token_and_secret(args.tenant)
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    base_update = random.randrange(1, 2**40)
    latencies: list[float] = []
    acked_at: dict[int, list[float]] = {}  # chat -> when each first POST was answered
    errors: dict[str, int] = {}
    chats = [random.randrange(10**12, 10**13) for _ in range(args.chats)]

    async with httpx.AsyncClient(base_url=gateway, timeout=30.0) as http:

        async def post(update: dict) -> bool:
            start = time.perf_counter()
            try:
                r = await http.post(
                    f"/api/v1/{args.tenant}/bot/telegram/webhook", json=update, headers=headers
                )
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                return False
            latencies.append(time.perf_counter() - start)
            if r.status_code != 200:
                errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
            return r.status_code == 200

        async def chat(index: int, chat_id: int) -> None:
            acked_at[chat_id] = []
            for n in range(args.per_chat):
                update = {
                    "update_id": base_update + index * 1000 + n,
                    "message": {"message_id": n, "chat": {"id": chat_id}, "text": args.text},
                }
                if await post(update):
                    acked_at[chat_id].append(time.time())
                await post(update)  # Telegram's retry of the same update

        began = time.perf_counter()
        await asyncio.gather(*(chat(i, c) for i, c in enumerate(chats)))
        elapsed = time.perf_counter() - began

    expected = args.chats * args.per_chat
    replies: dict[int, list[float]] = {}
    deadline = time.time() + args.reply_wait
    async with httpx.AsyncClient(base_url=sinks, timeout=30.0) as sink:

        async def read_replies() -> None:
            for chat_id in chats:
                params = {"chat_id": str(chat_id), "bot": token}
                found = (await sink.get("/telegram/messages", params=params)).json()
                replies[chat_id] = [datetime.fromisoformat(m["at"]).timestamp() for m in found]

        while time.time() < deadline:
            await read_replies()
            if sum(len(r) for r in replies.values()) >= expected:
                break
            await asyncio.sleep(1.0)
        await asyncio.sleep(2.0)  # a duplicate answer would arrive with the rest
        await read_replies()

    lags = [
        reply - acked
        for chat_id in chats
        for acked, reply in zip(acked_at[chat_id], sorted(replies[chat_id]), strict=False)
    ]
    answered = sum(len(r) for r in replies.values())
    return {
        "chats": args.chats,
        "updates": expected,
        "webhook_posts": len(latencies),
        "errors": errors,
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p95": round(percentile(latencies, 0.95) * 1000, 1),
            "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "mean": round(statistics.fmean(latencies) * 1000, 1),
        }
        if latencies
        else {},
        "replies": answered,
        "replies_per_update": round(answered / expected, 3) if expected else None,
        "duplicates": max(0, answered - expected),
        "reply_lag_s": {
            "p50": round(percentile(lags, 0.50), 2),
            "p95": round(percentile(lags, 0.95), 2),
            "max": round(max(lags), 2),
        }
        if lags
        else {},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=20)
    parser.add_argument("--per-chat", type=int, default=10)  # the chat limit is 20 a minute
    parser.add_argument("--tenant", default="kamianske")
    parser.add_argument("--text", default="/help")
    parser.add_argument("--reply-wait", type=float, default=60.0)
    print(json.dumps(asyncio.run(run(parser.parse_args())), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
