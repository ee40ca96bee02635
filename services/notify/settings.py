"""Notify settings (env prefix HROMADA_NOTIFY_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_NOTIFY_", extra="ignore")

    service_name: str = "notify"
    port: int = 8106
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_timeout_s: float = 10.0
    mail_from: str = "Громада / Hromada <noreply@hromada.local>"
    message_id_domain: str = "hromada.local"
    default_timezone: str = "Europe/Kyiv"
