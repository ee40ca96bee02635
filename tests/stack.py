"""Helpers for tests on the real local stack: endpoints, dev tokens, the mail sink, problem
answers, a topic's events, and starting or stopping one component through
`deploy/local/stack.py`."""

from __future__ import annotations

import asyncio
import email
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
STACK = [sys.executable, str(ROOT / "deploy/local/stack.py")]
T = TypeVar("T")


def stack_status() -> dict[str, Any]:
    out = subprocess.run([*STACK, "status"], check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout)


def stack(*args: str) -> None:
    subprocess.run([*STACK, *args], check=True, cwd=ROOT, capture_output=True, text=True)


def wait_for(
    probe: Callable[[], T | None], timeout_s: float, interval_s: float = 0.25, what: str = ""
) -> T:
    """Poll until `probe` returns something truthy (tests never sleep blindly)."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what or probe}")
        time.sleep(interval_s)


class Mailbox:
    """The SMTP sink's directory: one .eml per received message."""

    def __init__(self, maildir: str) -> None:
        self.dir = Path(maildir)

    def messages(self) -> list[Message]:
        found = []
        for path in sorted(self.dir.glob("*.eml")):
            found.append(email.message_from_bytes(path.read_bytes(), policy=default_policy))
        return found

    @staticmethod
    def text_of(message: Message) -> str:
        part = message.get_body(preferencelist=("plain",))  # type: ignore[attr-defined]
        return str(part.get_content()) if part is not None else ""

    def containing(self, *needles: str) -> list[Message]:
        """Messages whose subject, recipient or text holds every needle. Pass something unique
        to the test too: registration numbers start again at 1 after `make clean`, while
        another checkout's sink may still hold older mail."""
        found = []
        for m in self.messages():
            haystack = f"{m.get('Subject', '')}\n{m.get('To', '')}\n{self.text_of(m)}"
            if all(needle in haystack for needle in needles):
                found.append(m)
        return found


class Gateway:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.http = httpx.Client(base_url=self.url, timeout=30.0)

    def token(self, **claims: Any) -> str:
        response = self.http.post("/auth/dev/token", json=claims)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def citizen(self, sub: str, name: str = "Олена Коваль", **extra: Any) -> dict[str, str]:
        claims = {"sub": sub, "name": name, "roles": ["citizen"], "acr": "substantial", **extra}
        return {"Authorization": f"Bearer {self.token(**claims)}"}

    def staff(self, sub: str, tenant: str, role: str = "official") -> dict[str, str]:
        claims = {"sub": sub, "name": "Посадова особа", "roles": [role], "tenant": tenant}
        return {"Authorization": f"Bearer {self.token(**claims)}"}


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def assert_problem(
    response: httpx.Response, status: int, field: str | None = None
) -> dict[str, Any]:
    """An RFC 9457 problem with this status (naming `field` among its errors, if given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    if field is not None:
        assert field in [e["field"] for e in problem.get("errors", [])], problem
    return problem


def topic_records(
    topic: str,
    subject: str,
    wanted: int,
    timeout_s: float = 60.0,
    settle_s: float = 0.0,
) -> list[tuple[bytes | None, dict[str, Any]]]:
    """(key, envelope) of the records about `subject` on `topic`, read from the start until
    `wanted` are found (or the time is up), then `settle_s` longer, so that a duplicate,
    which would arrive with the rest, is seen too."""
    from aiokafka import AIOKafkaConsumer  # only the tests that read Kafka need it

    async def read() -> list[tuple[bytes | None, dict[str, Any]]]:
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=env("HROMADA_KAFKA_BOOTSTRAP", "127.0.0.1:9092"),
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        found: list[tuple[bytes | None, dict[str, Any]]] = []

        async def read_until(deadline: float, enough: Callable[[], bool]) -> None:
            while not enough() and time.monotonic() < deadline:
                for messages in (await consumer.getmany(timeout_ms=500)).values():
                    for message in messages:
                        envelope = json.loads(message.value)
                        if envelope.get("subject") == subject:
                            found.append((message.key, envelope))

        try:
            await read_until(time.monotonic() + timeout_s, lambda: len(found) >= wanted)
            await read_until(time.monotonic() + settle_s, lambda: False)
        finally:
            await consumer.stop()
        return found

    return asyncio.run(read())
