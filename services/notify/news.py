"""Hromada news: an official publishes a news item; everyone reads the public feed; the people
notify knows in the council (those with preferences or notices) get it by email, messenger and
inbox as their preferences allow — sent in batches by a worker of its own, so a 10,000-recipient
broadcast never holds up an appeal's notice.

Exactly once per (news, recipient, channel): the delivery ids are deterministic and a batch
skips what is already sent, so a restart resumes where the broadcast stopped.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
import structlog
from litestar import Controller, get, post
from litestar.params import JSONBody, Parameter
from pymongo import DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError

from chassis.auth import Principal
from chassis.background import cancelling
from chassis.guards import require_staff_of
from chassis.mongo import TenantRepository
from chassis.problems import Problem, invalid
from chassis.tracing import untraced
from services.notify.channels import (
    Channel,
    ChannelError,
    EmailChannel,
    InboxChannel,
    OutgoingMessage,
)
from services.notify.preferences import PreferenceRepository, preferences_from_doc
from services.notify.rendering import TemplateText, render
from services.notify.repository import DeliveryRepository

log = structlog.get_logger("notify.news")

NEWS_CHANNELS = ("email", "telegram", "inbox")  # no SMS: a text per resident costs the council
BATCH = 200
NEWS_TEMPLATE = TemplateText(
    "{{ title }}", "{{ body }}\n\n---\n\n{{ council }}: новини громади / hromada news\n"
)


class NewsBody(msgspec.Struct, forbid_unknown_fields=True):
    title: str
    body: str
    audience: Literal["all", "residents", "settlement"] = "all"
    settlement: str | None = None


class NewsRepository(TenantRepository):
    collection_name = "news"

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("tenant", 1), ("published_at", DESCENDING)])

    @property
    def queue(self) -> Any:
        return self.db["news_queue"]

    async def publish(self, doc: dict[str, Any]) -> bool:
        """Put a news item in the feed and queue its broadcast; False if it is there already
        (an event announced once is not announced again when Kafka redelivers it)."""
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        await self.queue.update_one(
            {"_id": doc["_id"]}, {"$set": {"tenant": doc["tenant"]}}, upsert=True
        )
        return True

    async def page(
        self, tenant: str, limit: int, before: tuple[datetime, str] | None
    ) -> list[dict[str, Any]]:
        query: dict[str, Any] = {"tenant": tenant}
        if before:
            query["$or"] = [
                {"published_at": {"$lt": before[0]}},
                {"published_at": before[0], "_id": {"$lt": before[1]}},
            ]
        cursor = self.collection.find(
            query, sort=[("published_at", DESCENDING), ("_id", DESCENDING)], limit=limit
        )
        return [doc async for doc in cursor]


def in_audience(news: Mapping[str, Any], subscriber: Mapping[str, Any]) -> bool:
    audience = news.get("audience", "all")
    if audience == "residents":
        return subscriber.get("residence") == news["tenant"]
    if audience == "settlement":
        return bool(news.get("settlement")) and subscriber.get("settlement") == news["settlement"]
    return True


def _view(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": doc["_id"],
        "title": doc["title"],
        "body": doc["body"],
        "audience": doc["audience"],
        "settlement": doc.get("settlement"),
        "published_at": doc["published_at"],
        "status": doc.get("status", "sending"),
        "recipients": doc.get("recipients"),
    }


class NewsController(Controller):
    path = "/api/v1/{tenant:str}/notify/news"
    tags = ["notify"]

    @post("/", operation_id="publish_news", status_code=201)
    async def publish(
        self, tenant: str, principal: Principal, news: NewsRepository, data: JSONBody[NewsBody]
    ) -> dict[str, Any]:
        require_staff_of(principal, tenant)
        if not data.title.strip():
            raise invalid("title", "must not be empty")
        if not data.body.strip():
            raise invalid("body", "must not be empty")
        if data.audience == "settlement" and not (data.settlement or "").strip():
            raise invalid("settlement", "is needed for audience 'settlement'")
        doc = {
            "_id": str(uuid.uuid4()),
            "tenant": tenant,
            "title": data.title.strip()[:200],
            "body": data.body.strip()[:10_000],
            "audience": data.audience,
            "settlement": data.settlement,
            "published_by": principal.sub,
            "published_at": datetime.now(UTC),
            "status": "sending",
        }
        await news.publish(doc)
        return _view(doc)

    @get("/", operation_id="list_news")
    async def list_news(
        self,
        tenant: str,
        news: NewsRepository,
        limit: Annotated[int, Parameter(ge=1, le=100)] = 20,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """The public feed, newest first (no sign-in needed)."""
        before = None
        if cursor:
            try:
                at, last = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
                before = (datetime.fromisoformat(at), str(last))
            except (ValueError, TypeError) as exc:
                raise invalid("cursor", "is not a cursor this list gave out") from exc
        docs = await news.page(tenant, limit + 1, before)
        more = len(docs) > limit
        docs = docs[:limit]
        next_cursor = None
        if more and docs:
            raw = json.dumps([docs[-1]["published_at"].isoformat(), docs[-1]["_id"]]).encode()
            next_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return {"items": [_view(d) for d in docs], "next_cursor": next_cursor}

    @get("/{news_id:str}", operation_id="get_news")
    async def get_news(self, tenant: str, news_id: str, news: NewsRepository) -> dict[str, Any]:
        doc = await news.find_owned(tenant, news_id)
        if doc is None:
            raise Problem(404, "Такої новини немає / There is no such news item.")
        return _view(doc)


class NewsBroadcaster:
    def __init__(
        self,
        news: NewsRepository,
        preferences: PreferenceRepository,
        deliveries: DeliveryRepository,
        channels: Mapping[str, Channel],
        message_id_domain: str,
        timezone: str,
        concurrency: int = 6,
    ) -> None:
        self.news = news
        self.preferences = preferences
        self.deliveries = deliveries
        self.channels = {c: ch for c, ch in channels.items() if c in NEWS_CHANNELS}
        self.message_id_domain = message_id_domain
        self.timezone = timezone
        self.slots = asyncio.Semaphore(concurrency)

    async def run(self, interval_s: float = 2.0) -> None:
        while True:
            try:
                with untraced():
                    entry = await self.news.queue.find_one({})
                if entry is not None:
                    await self.broadcast(entry["_id"])
                    continue
            except Exception as exc:
                if cancelling():
                    raise
                log.warning("news.broadcast_failed", error=type(exc).__name__)
            await asyncio.sleep(interval_s)

    async def broadcast(self, news_id: str) -> int:
        item = await self.news.collection.find_one({"_id": news_id})
        if item is None:
            await self.news.queue.delete_one({"_id": news_id})
            return 0
        subscribers = [
            s for s in await self.preferences.subscribers(item["tenant"]) if in_audience(item, s)
        ]
        rendered = render(
            NEWS_TEMPLATE,
            {"title": item["title"], "body": item["body"], "council": item["tenant"]},
            self.timezone,
        )
        planned = [
            self._message(item, subscriber, channel, rendered.subject, rendered.text, rendered.html)
            for subscriber in subscribers
            for channel in self.channels
        ]
        messages = [m for m in planned if m is not None]
        for start in range(0, len(messages), BATCH):
            await self._send_batch(item, messages[start : start + BATCH])
        recipients = len({m[2] for m in messages})
        await self.news.collection.update_one(
            {"_id": news_id}, {"$set": {"status": "sent", "recipients": recipients}}
        )
        await self.news.queue.delete_one({"_id": news_id})
        log.info("news.broadcast_done", news_id=news_id, deliveries=len(messages))
        return len(messages)

    def _message(
        self,
        item: Mapping[str, Any],
        subscriber: Mapping[str, Any],
        channel: str,
        subject: str,
        text: str,
        html: str,
    ) -> tuple[str, OutgoingMessage, str] | None:
        prefs = preferences_from_doc(dict(subscriber))
        address = {
            "email": subscriber.get("email_address"),
            "telegram": prefs.telegram_chat_id,
            "inbox": subscriber.get("sub"),
        }[channel]
        if not address or not prefs.allows(channel):
            return None
        sub = str(subscriber["sub"])
        delivery_id = f"news:{item['_id']}:{sub}:{channel}"
        message = OutgoingMessage(
            channel=channel,
            to=str(address),
            subject=subject,
            text=text,
            html=html,
            message_id=f"<news.{item['_id']}.{sub}.{channel}@{self.message_id_domain}>",
            tenant=str(item["tenant"]),
            meta={"event_type": "notify.news", "subject_ref": {"news_id": item["_id"]}},
        )
        return delivery_id, message, sub

    async def _send_channel(
        self, channel: str, items: list[tuple[str, OutgoingMessage]]
    ) -> list[str]:
        """Send one channel's part of a batch; the ids sent. What failed goes to the retry
        queue like any other delivery."""
        sender = self.channels[channel]
        messages = [m for _, m in items]
        if isinstance(sender, EmailChannel | InboxChannel):
            errors = await sender.send_many(messages)
        else:
            errors = list(await asyncio.gather(*(self._send_one(sender, m) for m in messages)))
        sent = []
        for (delivery_id, _), error in zip(items, errors, strict=True):
            if error is None:
                sent.append(delivery_id)
            else:
                await self.deliveries.schedule_retry(delivery_id, error, datetime.now(UTC))
        return sent

    async def _send_one(self, sender: Channel, message: OutgoingMessage) -> str | None:
        async with self.slots:
            try:
                await sender.send(message)
            except (ChannelError, OSError) as exc:
                return str(exc)
            return None

    async def _send_batch(
        self, item: Mapping[str, Any], batch: list[tuple[str, OutgoingMessage, str]]
    ) -> None:
        """Record the batch's deliveries in one insert, send, then mark what went. Reads and
        writes go by `_id` only (FerretDB answers `$in` and other filters by a full scan)."""
        now = datetime.now(UTC)
        records = [
            {
                "_id": delivery_id,
                "tenant": item["tenant"],
                "channel": message.channel,
                "template": "notify.news",
                "event_id": f"news:{item['_id']}",
                "event_type": "notify.news",
                "citizen_sub": sub,
                "recipient": message.to,
                "message": message.to_doc(),
                "subject_ref": {"news_id": item["_id"]},
                "status": "sending",
                "attempts": 1,
                "created_at": now,
                "updated_at": now,
            }
            for delivery_id, message, sub in batch
        ]
        todo = batch
        try:
            await self.deliveries.collection.insert_many(records, ordered=False)
        except BulkWriteError as exc:
            # Already recorded by a run that stopped mid-broadcast: send again only what that
            # run had not finished.
            existing = {batch[e["index"]][0] for e in exc.details.get("writeErrors", [])}
            unfinished = {
                delivery_id
                for delivery_id in existing
                if (await self.deliveries.collection.find_one({"_id": delivery_id}, {"status": 1}))
                in (None, {"_id": delivery_id, "status": "sending"})
            }
            todo = [entry for entry in batch if entry[0] not in existing - unfinished]

        by_channel: dict[str, list[tuple[str, OutgoingMessage]]] = defaultdict(list)
        for delivery_id, message, _ in todo:
            by_channel[message.channel].append((delivery_id, message))
        outcomes = await asyncio.gather(
            *(self._send_channel(channel, items) for channel, items in by_channel.items())
        )
        sent_at = datetime.now(UTC)

        async def mark_sent(delivery_id: str) -> None:
            async with self.slots:  # leave the database pool to the event notices
                await self.deliveries.collection.update_one(
                    {"_id": delivery_id}, {"$set": {"status": "sent", "sent_at": sent_at}}
                )

        await asyncio.gather(*(mark_sent(d) for outcome in outcomes for d in outcome))
