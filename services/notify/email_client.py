"""The email channel: one interface, an SMTP implementation. Other channels (SMS, messenger)
come as siblings with the same `send` shape."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    subject: str
    text: str
    message_id: str


class EmailClient(Protocol):
    async def send(self, email: OutgoingEmail) -> None: ...


class SmtpEmailClient:
    """Sends over SMTP. The Message-ID is derived from the event, so a resend after a crash
    carries the same id and mail systems can fold the duplicate."""

    def __init__(self, host: str, port: int, sender: str, timeout_s: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.timeout_s = timeout_s

    def _build(self, email: OutgoingEmail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = email.message_id
        message.set_content(email.text, charset="utf-8")
        return message

    def _send_blocking(self, email: OutgoingEmail) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as smtp:
            smtp.send_message(self._build(email))

    async def send(self, email: OutgoingEmail) -> None:
        await asyncio.to_thread(self._send_blocking, email)
