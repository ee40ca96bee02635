"""The queue's real use cases and repositories on an in-memory database, with a settable clock;
and small catalogues and offices to book against."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from chassis.auth import Principal
from services.queue.alerts import AlertRepository, AlertUseCases
from services.queue.booking_repository import BookingRepository
from services.queue.booking_use_cases import BookingUseCases
from services.queue.catalogue_repository import CatalogueRepository
from services.queue.domain.catalogue import AdminService, Fee, Name
from services.queue.domain.office import Interval, Office, Window
from services.queue.hall import HallUseCases
from services.queue.holds import HoldRepository
from services.queue.jobs import HoldsAndReminders
from services.queue.policy import PolicyRepository
from services.queue.saga import PaymentSaga
from services.queue.seats import SeatRepository
from services.queue.settings import QueueSettings
from services.queue.tenant_settings import TenantSettingsReader
from services.queue.ticket_repository import TicketRepository
from services.queue.write_guard import DocumentLocks
from tests.unit.queue.fake_mongo import FakeDatabase

# Tuesday 10 March 2026, 10:00 in Kyiv (UTC+2).
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
TENANT = "uzhhorod"

FREE = AdminService(
    "residence-registration", Name("Реєстрація місця проживання"), 15, 1, ticket_letter="C"
)
PAID = AdminService(
    "passport-id",
    Name("Паспорт ID-картка"),
    20,
    20,
    paid=True,
    fee=Fee(34500, "UA908201720355179003000000000", "37951998", "ГУК", "22012500"),
    ticket_letter="A",
)
WORKDAY = Interval("08:00", "17:00")


def office(
    office_id: str = "cnap", windows: int = 1, window_list: list[Window] | None = None, **extra: Any
) -> Office:
    codes = [FREE.code, PAID.code]
    fields: dict[str, Any] = {
        "windows": window_list or [Window(n, codes) for n in range(1, windows + 1)],
        "hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), WORKDAY),
        "breaks": [Interval("12:00", "13:00")],
        **extra,
    }
    return Office(office_id, "stationary", Name("ЦНАП"), **fields)


def citizen(sub: str = "c-1") -> Principal:
    return Principal(
        sub=sub, name="Олена Коваль", email="o@example.ua", roles=frozenset({"citizen"})
    )


def staff(tenant: str = TENANT) -> Principal:
    return Principal(sub="s-1", name="Оператор", roles=frozenset({"official"}), tenant=tenant)


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Queue:
    db: FakeDatabase
    clock: Clock
    bookings: BookingRepository
    catalogue: CatalogueRepository
    seats: SeatRepository
    use_cases: BookingUseCases
    saga: PaymentSaga
    jobs: HoldsAndReminders
    alerts: AlertUseCases
    hall: HallUseCases
    notified: list[tuple[str, str]] = field(default_factory=list)

    def outbox_types(self, booking_id: str) -> list[str]:
        doc = self.db["bookings"].docs[booking_id]
        return [r["envelope"]["type"] for r in doc.get("outbox", [])]


async def make_queue(*offices: Office, settings: QueueSettings | None = None) -> Queue:
    db = FakeDatabase()
    anydb = cast(Any, db)
    clock = Clock()
    locks = DocumentLocks()
    notified: list[tuple[str, str]] = []
    bookings = BookingRepository(anydb, locks, lambda c, i, r: notified.append((c, i)), clock=clock)
    catalogue = CatalogueRepository(anydb, ttl_s=0)
    for service in (FREE, PAID):
        await catalogue.put_service(TENANT, service)
    for o in offices or (office(),):
        await catalogue.put_office(TENANT, o)
    seats = SeatRepository(anydb)
    alerts = AlertRepository(anydb, cache_ttl_s=0)
    policies = PolicyRepository(TenantSettingsReader(anydb), settings or QueueSettings(), ttl_s=0)
    use_cases = BookingUseCases(
        bookings, seats, catalogue, policies, alerts, HoldRepository(anydb), clock=clock
    )
    lease = cast(Any, _AlwaysLeader())
    return Queue(
        db=db,
        clock=clock,
        bookings=bookings,
        catalogue=catalogue,
        seats=seats,
        use_cases=use_cases,
        saga=PaymentSaga(bookings, use_cases),
        jobs=HoldsAndReminders(bookings, use_cases, lease, 1.0, 0.0, timedelta(hours=24), clock),
        alerts=AlertUseCases(alerts, bookings, seats, use_cases, clock=clock),
        hall=HallUseCases(
            TicketRepository(anydb), bookings, use_cases, locks, lambda c, i, r: None, clock=clock
        ),
        notified=notified,
    )


class _AlwaysLeader:
    async def try_acquire(self) -> bool:
        return True
