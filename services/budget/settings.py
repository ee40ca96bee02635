"""Budget settings (env prefix HROMADA_BUDGET_, shared HROMADA_ fallback)."""

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings

# Only for dev and test stacks; production refuses to start without its own secret.
DEV_VOTER_KEY_SECRET = "hromada-dev-only-voter-key-secret"  # noqa: S105 (dev/test only)


class BudgetSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_BUDGET_", extra="ignore")

    service_name: str = "budget"
    port: int = 8103
    # The key of the voters' keyed hash (HMAC-SHA256 of the RNOKPP / document number): the
    # same secret on every replica, kept like a password; changing it mid-cycle would let one
    # person vote twice, so rotate it only between cycles.
    voter_key_secret: SecretStr = SecretStr("")
    # The phase job: how often the leader looks for cycles that entered a phase by their dates
    # (and refreshes the tallies behind the stats).
    phase_interval_s: float = 10.0
    phase_lease_ttl_s: float = 45.0
    files_bucket: str = "hromada-budget"
    file_max_mb: float = 10.0

    def voter_secret(self) -> bytes:
        """The configured secret; in dev and test a fixed one if none is set (production
        refuses to start without one: `require_voter_secret`)."""
        secret = self.voter_key_secret.get_secret_value()
        if not secret and self.env != "prod":
            secret = DEV_VOTER_KEY_SECRET
        return secret.encode()

    async def require_voter_secret(self) -> None:
        if not self.voter_secret():
            raise RuntimeError("HROMADA_BUDGET_VOTER_KEY_SECRET must be set in production")
