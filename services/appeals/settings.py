"""Appeals settings (env prefix HROMADA_APPEALS_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class AppealsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_APPEALS_", extra="ignore")

    service_name: str = "appeals"
    port: int = 8101
    # A council's own zone and holidays are tenant settings (`timezone`, `holidays`); this is
    # the zone of a council that has not set one.
    default_timezone: str = "Europe/Kyiv"
    # The statutory clock: how often the leader looks, how long its lease lasts, and how many
    # working days before the due date `due_soon` is announced.
    clock_interval_s: float = 60.0
    clock_lease_ttl_s: float = 90.0
    # How soon a list shows an appeal whose write crashed before its list row (list_rows.py).
    list_rows_repair_interval_s: float = 30.0
    due_soon_working_days: int = 3

    # Attachments: the service's own bucket; per-council limits come from tenant settings
    # (`appeal_attachment_max_mb`, `appeal_attachment_max_count`), these are the defaults.
    attachments_bucket: str = "hromada-appeals"
    attachment_max_mb: float = 10.0
    attachment_max_count: int = 5
    attachment_link_ttl_s: int = 900  # capped at 15 minutes whatever is set
    # Open311 GeoReport v2: how many requests one list returns at most (the spec's 1000).
    open311_max_requests: int = 1000
