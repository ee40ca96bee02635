"""Notify settings (env prefix HROMADA_NOTIFY_, shared HROMADA_ fallback)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, SecretStr
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class SmsProviderSettings(BaseModel):
    name: str
    url: str
    api_key: str = ""


class TelegramBotSettings(BaseModel):
    """A council's messenger bot (`bot/`); notify needs only its token."""

    model_config = ConfigDict(extra="ignore")

    token: str


class NotifySettings(ServiceSettings):
    # `__` nests: the local stack sets `HROMADA_TELEGRAM_BOTS__<TENANT>__TOKEN` (shared with
    # the bot), since its shell-sourced env file cannot carry JSON.
    model_config = SettingsConfigDict(
        env_prefix="HROMADA_NOTIFY_", extra="ignore", env_nested_delimiter="__"
    )

    service_name: str = "notify"
    port: int = 8106
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_timeout_s: float = 10.0
    # A real relay (the council's mail server, SES, Mailgun) wants TLS and a login: "starttls"
    # on port 587, "implicit" on 465; "none" is the local stack's sink.
    smtp_tls: Literal["none", "starttls", "implicit"] = "none"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    mail_from: str = "Громада / Hromada <noreply@hromada.local>"
    message_id_domain: str = "hromada.local"
    default_timezone: str = "Europe/Kyiv"
    # SMS providers in failover order (JSON in the env); dev: the local stack's sinks.
    sms_providers: list[SmsProviderSettings] = [
        SmsProviderSettings(name="primary", url="http://127.0.0.1:8108/sms/primary"),
        SmsProviderSettings(name="secondary", url="http://127.0.0.1:8108/sms/secondary"),
    ]
    sms_rate_per_s: float = 50.0
    telegram_api_url: str = "http://127.0.0.1:8108/telegram"
    telegram_bot_token: str = "dev-bot-token"  # noqa: S105 (the local sink takes any)
    telegram_rate_per_s: float = 30.0
    # Councils with their own bot (tenant -> {"token": ...}); the rest use `telegram_bot_token`.
    telegram_bots: dict[str, TelegramBotSettings] = {}
    provider_timeout_s: float = 5.0
    retention_days: int = 90
    retention_interval_s: float = 3600.0
    retention_lease_ttl_s: float = 120.0
