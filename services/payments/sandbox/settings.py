"""Sandbox settings (env prefix HROMADA_PAYMENTS_SANDBOX_). Its keys are the ones the payments
service uses in dev (HROMADA_PAYMENTS_LIQPAY_*): change both together."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class SandboxSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_PAYMENTS_SANDBOX_", extra="ignore")

    service_name: str = "payments_sandbox"
    port: int = 8107
    public_key: str = "sandbox_i0000000001"
    private_key: str = "sandbox_dev_private_key"
    callback_timeout_s: float = 10.0
