"""Petitions settings (env prefix HROMADA_PETITIONS_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PetitionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_PETITIONS_", extra="ignore")

    service_name: str = "petitions"
    port: int = 8102
    # A council's own zone and holidays are tenant settings; this is the zone of one without.
    default_timezone: str = "Europe/Kyiv"
    # The tally: how often dirty petitions are recounted, and how long a signature's second
    # stays open to inserts still in flight before its count is remembered.
    tally_interval_s: float = 0.4
    count_grace_s: float = 3.0
    # GET of one petition is answered from memory for this long (read_cache.py): another
    # replica's status change shows within it; with the tally the count lags < 2 s in all.
    read_cache_ttl_s: float = 1.0
    # A petition may hold ~30,000 characters of text and response: 1000 bound the memory
    # (a second of reads of 1000 different petitions fills it; older entries are stale anyway).
    read_cache_max_entries: int = 1_000
    # The leader's sweep: full recounts, missed milestones and outcomes, deadlines.
    sweep_interval_s: float = 15.0
    sweep_lease_ttl_s: float = 45.0
