"""Bot settings (env prefix HROMADA_BOT_, shared HROMADA_ fallback).

One Telegram bot per council: `telegram_bots` maps a tenant slug to its bot's token, webhook
secret and username. In production it comes from a secret as JSON
(`HROMADA_BOT_TELEGRAM_BOTS='{"chernivtsi": {"token": "...", "secret": "...", "username":
"..."}}'`); nested variables work too (`HROMADA_TELEGRAM_BOTS__CHERNIVTSI__TOKEN=...`), which
is how the local stack sets its dev bots (a shell-sourced env file cannot carry JSON quotes).
"""

from pydantic import BaseModel
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class TelegramBot(BaseModel):
    token: str
    secret: str
    username: str = "hromada_bot"


class BotSettings(ServiceSettings):
    model_config = SettingsConfigDict(
        env_prefix="HROMADA_BOT_", extra="ignore", env_nested_delimiter="__"
    )

    service_name: str = "bot"
    port: int = 8109
    telegram_bots: dict[str, TelegramBot] = {}
    # The Bot API (https://api.telegram.org in production; the local sink in dev).
    telegram_api_url: str = "http://127.0.0.1:8108/telegram"
    # Everything the bot does for a citizen goes through the public gateway.
    gateway_url: str = "http://127.0.0.1:8000"
    # The gateway's public address as Telegram reaches it (https://hromada.example.org): when
    # set, each council's bot is pointed at its webhook there at start-up (`setWebhook`).
    webhook_public_url: str = ""
    # The citizen cabinet (web/, served by the gateway at /app): signing, voting and linking
    # happen there; its pages are `{cabinet_url}/{tenant}/...`.
    cabinet_url: str = "http://127.0.0.1:8000/app"
    # Token exchange: empty = the gateway's dev issuer (dev/test only); otherwise the IdP's
    # RFC 8693 token endpoint, with the bot's own client credentials.
    token_exchange_url: str = ""
    token_exchange_client_id: str = "hromada-bot"  # noqa: S105 (a client name)
    token_exchange_client_secret: str = ""
    token_lifetime_s: int = 900
    link_code_ttl_s: int = 600
    conversation_ttl_s: int = 24 * 3600
    update_ttl_s: int = 24 * 3600  # how long update ids are kept for de-duplication
    chat_messages_per_minute: int = 20
    sweep_interval_s: float = 60.0
    sweep_lease_ttl_s: float = 90.0
    api_timeout_s: float = 10.0
    max_photo_bytes: int = 10 * 1024 * 1024
