"""Payments settings (env prefix HROMADA_PAYMENTS_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class PaymentsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_PAYMENTS_", extra="ignore")

    service_name: str = "payments"
    port: int = 8105

    # LiqPay (the local stack's sandbox plays it at :8107). The dev keys are the sandbox's;
    # production sets the merchant's keys from a secret.
    liqpay_url: str = "http://127.0.0.1:8107"
    liqpay_public_key: str = "sandbox_i0000000001"
    liqpay_private_key: str = "sandbox_dev_private_key"
    provider_timeout_s: float = 10.0
    # Where the provider sends callbacks: the gateway, which lets them through without a token.
    callback_base_url: str = "http://127.0.0.1:8000"

    # The queue service's public catalogue (fees and treasury requisites), server to server.
    queue_url: str = "http://127.0.0.1:8104"
    # Outside prod, a fixed demo catalogue and fines register stand in when queue is away.
    demo_data: bool = True

    payment_ttl_minutes: int = 90
    jobs_interval_s: float = 2.0
    jobs_lease_ttl_s: float = 15.0
    # A started payment we heard nothing about for this long is asked about (status polling).
    poll_after_s: float = 120.0
    idempotency_retention_hours: int = 48
    idempotency_wait_s: float = 15.0

    @property
    def use_demo_data(self) -> bool:
        return self.demo_data and self.env != "prod"
