"""Queue settings (env prefix HROMADA_QUEUE_, shared HROMADA_ fallback)."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class QueueSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="HROMADA_QUEUE_", extra="ignore")

    service_name: str = "queue"
    port: int = 8104
    # A council's zone and holidays are tenant settings (`timezone`, `holidays`); the rest are
    # the defaults of every council. A council's copy of its settings may override them with
    # the same names prefixed `queue_` (e.g. `queue_bookings_per_month`).
    default_timezone: str = "Europe/Kyiv"
    booking_horizon_days: int = 21  # MVS practice: slots open 21 days ahead
    bookings_per_month: int = 4  # MVS practice: 4 active bookings a month per person
    payment_hold_minutes: int = 15  # a paid booking waits this long for its payment
    cancel_hours_before: float = 2.0  # the citizen may cancel until this long before
    check_in_early_minutes: int = 120  # check-in opens this long before the booked time
    # The leader's periodic job: expire unpaid holds every `jobs_interval_s`; every
    # `sweep_interval_s` read all bookings once to announce reminders a day ahead (and repair).
    jobs_interval_s: float = 10.0
    sweep_interval_s: float = 600.0
    jobs_lease_ttl_s: float = 30.0
    reminder_hours_before: float = 24.0
    # Seed the demo councils' catalogue and offices at start-up (idempotent upserts).
    seed_demo: bool = True
    demo_tenants: list[str] = ["chernivtsi", "uzhhorod", "kamianske"]
    # Hall displays: how often the board stream looks for a change.
    board_poll_s: float = 1.0
