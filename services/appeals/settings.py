"""Appeals settings (env prefix HROMADA_APPEALS_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class AppealsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_APPEALS_", extra="ignore")

    service_name: str = "appeals"
    port: int = 8101
    # Tenant settings arrive with the tenant registry's events (a later issue); until then
    # every council uses the default zone of Ukraine.
    default_timezone: str = "Europe/Kyiv"
