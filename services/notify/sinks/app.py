"""SMS and messenger sinks for the local stack, like the SMTP sink: they accept what notify
sends, as the real providers would, and keep it (one JSON line per message under
`.stack/sinks/`) for people and tests to read.

- `POST /sms/{provider}/messages` {to, text, reference} — a generic HTTP SMS API; any provider
  name works, and `PUT /sms/{provider}/outage` {"down": true} makes one fail with 503 (to see
  notify fail over to the next provider).
- `POST /telegram/bot{token}/{method}` — the Telegram Bot API's shape: `sendMessage`
  {chat_id, text, reply_markup?}, `sendPhoto` {chat_id, photo, caption?} and
  `answerCallbackQuery` {callback_query_id} are kept with the bot's token; `getFile` {file_id}
  answers for files put here, which `GET /telegram/file/bot{token}/{file_path}` serves (the
  photos a person "sent" to the messenger bot). `POST /telegram/test/files` (the raw bytes) puts
  such a file here for a test and returns its `file_id`.
- `GET /sms/messages?to=...`, `GET /telegram/messages?chat_id=...&bot=...&method=...` — what
  arrived (a bot's token in `bot`).
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, get, post, put
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
    chat_id: str | int | None = None
    text: str | None = None
    reply_markup: dict[str, Any] | None = None
    photo: str | None = None
    caption: str | None = None
    callback_query_id: str | None = None
    file_id: str | None = None


KEPT_METHODS = frozenset({"sendMessage", "sendPhoto", "answerCallbackQuery"})


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

    files = settings.directory / "telegram-files"

    @post("/telegram/{bot_token:str}/{method:str}", status_code=200)
    async def bot_api(bot_token: str, method: str, data: JSONBody[TelegramBody]) -> Any:
        if not bot_token.startswith("bot"):  # the Bot API's path is /bot<token>/<method>
            raise NotFoundException()
        token = bot_token.removeprefix("bot")
        if method == "getFile":
            return _get_file(token, data.file_id)
        if method not in KEPT_METHODS:
            return Response({"ok": False, "description": "Not Found"}, status_code=404)
        kept = {k: v for k, v in msgspec.to_builtins(data).items() if v is not None}
        kept["chat_id"] = str(data.chat_id) if data.chat_id is not None else None
        record = sink.keep("telegram", {"bot": token, "method": method, **kept})
        if method == "answerCallbackQuery":
            return {"ok": True, "result": True}
        return {"ok": True, "result": {"message_id": record["id"], "chat": {"id": data.chat_id}}}

    def _get_file(token: str, file_id: str | None) -> Response[dict[str, Any]]:
        path = files / str(file_id)
        if not file_id or not file_id.isalnum() or not path.exists():
            return Response(
                {"ok": False, "description": "Bad Request: invalid file_id"}, status_code=400
            )
        result = {"file_id": file_id, "file_size": path.stat().st_size}
        return Response({"ok": True, "result": {**result, "file_path": f"photos/{file_id}.jpg"}})

    @get("/telegram/file/{bot_token:str}/photos/{name:str}", media_type="image/jpeg")
    async def download_file(bot_token: str, name: str) -> bytes:
        file_id = name.removesuffix(".jpg")
        path = files / file_id
        if not bot_token.startswith("bot") or not file_id.isalnum() or not path.exists():
            raise NotFoundException()
        return path.read_bytes()

    @post("/telegram/test/files", status_code=201)
    async def put_test_file(request: Request[Any, Any, Any]) -> dict[str, Any]:
        body = await request.body()
        files.mkdir(parents=True, exist_ok=True)
        file_id = uuid.uuid4().hex
        (files / file_id).write_bytes(body)
        return {"file_id": file_id, "file_unique_id": file_id[:16], "file_size": len(body)}

    @get("/telegram/messages")
    async def list_telegram(
        chat_id: str | None = None, bot: str | None = None, method: str | None = None
    ) -> list[dict[str, Any]]:
        return sink.read("telegram", chat_id=chat_id, bot=bot, method=method)

    @get("/health/ready")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    return Litestar(
        route_handlers=[
            receive_sms,
            set_outage,
            list_sms,
            bot_api,
            download_file,
            put_test_file,
            list_telegram,
            ready,
        ]
    )
