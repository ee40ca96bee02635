"""Queue settings (env prefix HROMADA_QUEUE_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class QueueSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_QUEUE_", extra="ignore")

    service_name: str = "queue"
    port: int = 8104
