"""Budget settings (env prefix HROMADA_BUDGET_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class BudgetSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_BUDGET_", extra="ignore")

    service_name: str = "budget"
    port: int = 8103
