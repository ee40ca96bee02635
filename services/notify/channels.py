"""Channels behind one interface: `send(message)` delivers or raises. Email over SMTP (text +
HTML), SMS through a generic HTTP provider with failover to the next one, messenger through the
Telegram Bot API (`sendMessage`), and the in-app inbox. Each outside provider has a rate limit
of its own, kept in-process (a provider's limit is per account, and each replica gets its share
through `rate_per_s`).
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

import httpx
import structlog

from services.notify.inbox import InboxRepository

log = structlog.get_logger("notify.channels")


@dataclass(frozen=True)
class OutgoingMessage:
    channel: str
    to: str = field(metadata={"doc": "email address, phone, chat id, or the inbox owner's sub"})
    subject: str
    text: str
    html: str
    message_id: str
    tenant: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_doc(self) -> dict[str, Any]:
        return asdict(self)


class ChannelError(Exception):
    """The channel could not take the message now; the delivery is retried later."""


class Channel(Protocol):
    name: str

    async def send(self, message: OutgoingMessage) -> None: ...


class RateLimiter:
    """At most `rate_per_s` sends a second, spaced evenly; callers wait their turn."""

    def __init__(self, rate_per_s: float) -> None:
        self.interval = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self.next_at = 0.0
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self.lock:
            now = time.monotonic()
            delay = self.next_at - now
            self.next_at = max(now, self.next_at) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class EmailChannel:
    """SMTP. The Message-ID comes from the delivery, so a resend after a crash carries the same
    id and mail systems can fold the duplicate."""

    name = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        timeout_s: float = 10.0,
        tls: str = "none",
        login: tuple[str, str] | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout_s = timeout_s
        self.tls = tls  # "none" | "starttls" | "implicit"
        self.login = login

    def _connect(self) -> smtplib.SMTP:
        """A connection as the relay wants it: TLS from the start or upgraded (the server's
        certificate checked against the system CAs), then the login if there is one."""
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.tls == "implicit":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        try:
            if self.tls == "starttls":
                smtp.starttls(context=context)
            if self.login is not None:
                smtp.login(*self.login)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def build(self, message: OutgoingMessage) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = message.message_id
        email.set_content(message.text, charset="utf-8")
        email.add_alternative(message.html, subtype="html", charset="utf-8")
        return email

    def _send_blocking(self, message: OutgoingMessage) -> None:
        with self._connect() as smtp:
            smtp.send_message(self.build(message))

    async def send(self, message: OutgoingMessage) -> None:
        try:
            await asyncio.to_thread(self._send_blocking, message)
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"smtp: {type(exc).__name__}: {exc}") from exc

    def _send_many_blocking(self, messages: Sequence[OutgoingMessage]) -> list[str | None]:
        errors: list[str | None] = []
        try:
            with self._connect() as smtp:
                for message in messages:
                    try:
                        smtp.send_message(self.build(message))
                        errors.append(None)
                    except smtplib.SMTPRecipientsRefused as exc:
                        errors.append(f"smtp: {type(exc).__name__}")
        except (OSError, smtplib.SMTPException) as exc:
            errors += [f"smtp: {type(exc).__name__}: {exc}"] * (len(messages) - len(errors))
        return errors

    async def send_many(self, messages: Sequence[OutgoingMessage]) -> list[str | None]:
        """A broadcast's batch over one SMTP connection; per message, None or the error."""
        return await asyncio.to_thread(self._send_many_blocking, messages)


@dataclass(frozen=True)
class SmsProvider:
    name: str
    url: str
    api_key: str = ""


class SmsChannel:
    """A generic HTTP SMS API: `POST {url}/messages` {to, text, reference}. A provider that
    fails (unreachable, 5xx, 429) hands the message to the next one in the list."""

    name = "sms"

    def __init__(
        self, providers: Sequence[SmsProvider], client: httpx.AsyncClient, rate_per_s: float
    ) -> None:
        self.providers = list(providers)
        self.client = client
        self.limiters = {p.name: RateLimiter(rate_per_s) for p in self.providers}

    async def send(self, message: OutgoingMessage) -> None:
        failures: list[str] = []
        for provider in self.providers:
            await self.limiters[provider.name].wait()
            try:
                response = await self.client.post(
                    f"{provider.url.rstrip('/')}/messages",
                    json={"to": message.to, "text": message.text, "reference": message.message_id},
                    headers={"Authorization": f"Bearer {provider.api_key}"}
                    if provider.api_key
                    else {},
                )
            except httpx.HTTPError as exc:
                failures.append(f"{provider.name}: {type(exc).__name__}")
                continue
            if response.is_success:
                if failures:
                    log.warning("sms.failed_over", to_provider=provider.name, failures=failures)
                return
            failures.append(f"{provider.name}: HTTP {response.status_code}")
        raise ChannelError("every SMS provider failed: " + "; ".join(failures))


class TelegramChannel:
    """The Telegram Bot API's `sendMessage` at a configurable base URL (a sink in dev).

    A council with its own messenger bot (`bot/`, `bot_tokens`: tenant -> token) gets its
    notices from that bot, in the chat the citizen linked there; others from the default bot.
    """

    name = "telegram"

    def __init__(
        self,
        base_url: str,
        bot_token: str,
        client: httpx.AsyncClient,
        rate_per_s: float,
        bot_tokens: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.bot_token = bot_token
        self.bot_tokens = dict(bot_tokens or {})
        self.client = client
        self.limiter = RateLimiter(rate_per_s)

    def endpoint(self, tenant: str) -> str:
        return f"{self.base_url}/bot{self.bot_tokens.get(tenant, self.bot_token)}/sendMessage"

    async def send(self, message: OutgoingMessage) -> None:
        await self.limiter.wait()
        text = f"{message.subject}\n\n{message.text}"[:4096]  # Telegram's message limit
        try:
            response = await self.client.post(
                self.endpoint(message.tenant), json={"chat_id": message.to, "text": text}
            )
        except httpx.HTTPError as exc:
            raise ChannelError(f"telegram: {type(exc).__name__}") from exc
        body: Mapping[str, Any] = response.json() if response.content else {}
        if not response.is_success or not body.get("ok"):
            raise ChannelError(f"telegram: HTTP {response.status_code}")


class InboxChannel:
    name = "inbox"

    def __init__(self, inbox: InboxRepository) -> None:
        self.inbox = inbox

    @staticmethod
    def item(message: OutgoingMessage) -> dict[str, Any]:
        return {
            "tenant": message.tenant,
            "sub": message.to,
            "subject": message.subject,
            "text": message.text,
            "event_type": message.meta.get("event_type"),
            "subject_ref": message.meta.get("subject_ref", {}),
            "created_at": datetime.now(UTC),
        }

    async def send(self, message: OutgoingMessage) -> None:
        await self.inbox.put(message.message_id, self.item(message))

    async def send_many(self, messages: Sequence[OutgoingMessage]) -> list[str | None]:
        """A broadcast's batch in one insert (items already there are kept as they are)."""
        await self.inbox.put_many({m.message_id: self.item(m) for m in messages})
        return [None] * len(messages)
