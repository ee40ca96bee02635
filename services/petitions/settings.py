"""Petitions settings (env prefix HROMADA_PETITIONS_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PetitionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_PETITIONS_", extra="ignore")

    service_name: str = "petitions"
    port: int = 8102
