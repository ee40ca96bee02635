"""SMS and messenger sinks for the local stack, like the SMTP sink: they accept what notify
sends, as the real providers would, and keep it (one JSON line per message under
`.stack/sinks/`) for people and tests to read.

- `POST /sms/{provider}/messages` {to, text, reference} — a generic HTTP SMS API; any provider
  name works, and `PUT /sms/{provider}/outage` {"down": true} makes one fail with 503 (to see
  notify fail over to the next provider).
- `POST /telegram/bot{token}/sendMessage` {chat_id, text} — the Telegram Bot API's shape.
- `GET /sms/messages?to=...`, `GET /telegram/messages?chat_id=...` — what arrived.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, Response, get, post, put
from litestar.exceptions import NotFoundException
from litestar.params import JSONBody
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings

REPO = Path(__file__).resolve().parents[3]


class SinkSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_NOTIFY_SINKS_", extra="ignore")

    service_name: str = "notify_sinks"
    port: int = 8108
    directory: Path = REPO / ".stack" / "sinks"


class SmsBody(msgspec.Struct):
    to: str
    text: str
    reference: str | None = None


class TelegramBody(msgspec.Struct):
    chat_id: str | int
    text: str


class OutageBody(msgspec.Struct):
    down: bool


class Sink:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.down: set[str] = set()

    def keep(self, kind: str, record: dict[str, Any]) -> dict[str, Any]:
        record = {"id": uuid.uuid4().hex, "at": datetime.now(UTC).isoformat(), **record}
        with open(self.directory / f"{kind}.jsonl", "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return record

    def read(self, kind: str, **match: str | None) -> list[dict[str, Any]]:
        path = self.directory / f"{kind}.jsonl"
        if not path.exists():
            return []
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        wanted = {k: v for k, v in match.items() if v is not None}
        return [r for r in records if all(str(r.get(k)) == v for k, v in wanted.items())]


def create_app(settings: SinkSettings | None = None) -> Litestar:
    settings = settings or SinkSettings()
    sink = Sink(settings.directory)

    @post("/sms/{provider:str}/messages")
    async def receive_sms(provider: str, data: JSONBody[SmsBody]) -> Response[dict[str, Any]]:
        if provider in sink.down:
            return Response({"error": f"{provider} is down"}, status_code=503)
        record = sink.keep(
            "sms", {"provider": provider, "to": data.to, "text": data.text, "ref": data.reference}
        )
        return Response({"id": record["id"], "status": "accepted"}, status_code=201)

    @put("/sms/{provider:str}/outage")
    async def set_outage(provider: str, data: JSONBody[OutageBody]) -> dict[str, Any]:
        (sink.down.add if data.down else sink.down.discard)(provider)
        return {"provider": provider, "down": data.down}

    @get("/sms/messages")
    async def list_sms(to: str | None = None, ref: str | None = None) -> list[dict[str, Any]]:
        return sink.read("sms", to=to, ref=ref)

    @post("/telegram/{bot_token:str}/sendMessage", status_code=200)
    async def send_message(bot_token: str, data: JSONBody[TelegramBody]) -> dict[str, Any]:
        if not bot_token.startswith("bot"):  # the Bot API's path is /bot<token>/<method>
            raise NotFoundException()
        record = sink.keep("telegram", {"chat_id": str(data.chat_id), "text": data.text})
        return {"ok": True, "result": {"message_id": record["id"], "chat": {"id": data.chat_id}}}

    @get("/telegram/messages")
    async def list_telegram(chat_id: str | None = None) -> list[dict[str, Any]]:
        return sink.read("telegram", chat_id=chat_id)

    @get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(
        route_handlers=[receive_sms, set_outage, list_sms, send_message, list_telegram, ready]
    )
