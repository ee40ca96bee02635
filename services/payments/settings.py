"""Payments settings (env prefix HROMADA_PAYMENTS_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_PAYMENTS_", extra="ignore")

    service_name: str = "payments"
    port: int = 8105
