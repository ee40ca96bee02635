"""The demo councils' catalogue and offices, written at start-up and for a newly onboarded
council. Upserts by deterministic `_id` with `$setOnInsert`: running it again, or on several
replicas at once, changes nothing, and never undoes an administrator's edits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.queue.catalogue_repository import doc_id
from services.queue.domain.catalogue import AdminService, Fee, Name
from services.queue.domain.office import Interval, Office, Visit, Window

# Treasury requisites per council (the regional treasury's account for administrative fees).
TREASURY = {
    "chernivtsi": (
        "UA908201720355179003000000000",
        "37951998",
        "ГУК у Чернівецькій обл./м.Чернівці",
    ),
    "uzhhorod": ("UA418201720355129003000000001", "37975895", "ГУК у Закарпатській обл./м.Ужгород"),
    "kamianske": (
        "UA738201720355199003000000002",
        "37988155",
        "ГУК у Дніпропетровській обл./м.Кам'янське",
    ),
}
DEFAULT_TREASURY = ("UA908201720355179003000000099", "37567646", "Казначейство України")
VILLAGES = {
    "chernivtsi": ["с. Коровія", "с. Мамаївці"],
    "uzhhorod": ["с. Оноківці", "с. Минай"],
    "kamianske": ["с. Карнаухівка", "смт Романкове"],
}


def catalogue(tenant: str) -> list[AdminService]:
    iban, edrpou, recipient = TREASURY.get(tenant, DEFAULT_TREASURY)

    def fee(amount: int, budget_code: str) -> Fee:
        return Fee(amount, iban, edrpou, f"{recipient}/{budget_code}", budget_code)

    return [
        AdminService(
            "passport-id",
            Name(
                "Оформлення паспорта громадянина України у формі ID-картки",
                "ID card (passport of a citizen of Ukraine)",
            ),
            duration_minutes=20,
            max_term_days=20,
            paid=True,
            fee=fee(34500, "22012500"),
            documents=[
                "Свідоцтво про народження або попередній паспорт",
                "Довідка про реєстрацію місця проживання (за наявності)",
                "Квитанція про сплату адміністративного збору",
            ],
            ticket_letter="A",
        ),
        AdminService(
            "foreign-passport",
            Name(
                "Оформлення паспорта громадянина України для виїзду за кордон",
                "International passport",
            ),
            duration_minutes=20,
            max_term_days=20,
            paid=True,
            fee=fee(78200, "22012500"),
            documents=["Паспорт громадянина України (ID-картка)", "Картка платника податків"],
            ticket_letter="B",
        ),
        AdminService(
            "residence-registration",
            Name(
                "Реєстрація або зняття з реєстрації місця проживання",
                "Registration of the place of residence",
            ),
            duration_minutes=15,
            max_term_days=1,
            documents=[
                "Паспорт громадянина України",
                "Документ, що підтверджує право на проживання в житлі",
            ],
            ticket_letter="C",
        ),
        AdminService(
            "land-extract",
            Name(
                "Витяг з Державного земельного кадастру про земельну ділянку",
                "Extract from the State Land Cadastre",
            ),
            duration_minutes=15,
            max_term_days=10,
            paid=True,
            fee=fee(9100, "22012500"),
            documents=["Паспорт громадянина України", "Кадастровий номер ділянки"],
            ticket_letter="D",
        ),
        AdminService(
            "fop-registration",
            Name(
                "Державна реєстрація фізичної особи — підприємця",
                "Registration of a sole proprietor (FOP)",
            ),
            duration_minutes=30,
            max_term_days=1,
            documents=["Паспорт громадянина України", "Реєстраційна картка за формою 4"],
            ticket_letter="E",
        ),
        AdminService(
            "housing-subsidy",
            Name("Призначення житлової субсидії", "Housing subsidy"),
            duration_minutes=30,
            max_term_days=10,
            documents=["Заява та декларація про доходи і майно"],
            ticket_letter="F",
        ),
    ]


WORKDAY = Interval("08:00", "17:00")


def offices(tenant: str, first_day: date) -> list[Office]:
    """A stationary ASC with four windows and a mobile ASC visiting two villages weekly."""
    passports = ["passport-id", "foreign-passport"]
    mobile_services = ["passport-id", "residence-registration", "land-extract", "housing-subsidy"]
    villages = VILLAGES.get(tenant, ["с. Центральне"])
    visits = []
    for week in range(8):
        monday = first_day - timedelta(days=first_day.weekday()) + timedelta(weeks=week)
        for offset, village in zip((1, 3), villages, strict=False):  # Tuesdays and Thursdays
            day = monday + timedelta(days=offset)
            visits.append(
                Visit(
                    f"visit-{day:%Y%m%d}",
                    village,
                    day,
                    "09:00",
                    "14:00",
                    mobile_services,
                    address=f"{village}, приміщення старостату",
                )
            )
    return [
        Office(
            "cnap-centre",
            "stationary",
            Name("Центр надання адміністративних послуг", "Administrative Service Centre"),
            windows=[
                Window(1, passports),
                Window(2, [*passports, "residence-registration"]),
                Window(3, ["land-extract", "fop-registration"]),
                Window(4, ["residence-registration", "housing-subsidy", "fop-registration"]),
            ],
            address="вул. Центральна, 1",
            slot_minutes=15,
            hours={
                "mon": WORKDAY,
                "tue": WORKDAY,
                "wed": WORKDAY,
                "thu": Interval("08:00", "20:00"),
                "fri": WORKDAY,
                "sat": Interval("08:00", "15:00"),
            },
            breaks=[Interval("12:00", "12:45")],
        ),
        Office(
            "mobile-cnap",
            "mobile",
            Name("Мобільний ЦНАП", "Mobile ASC"),
            windows=[Window(1, mobile_services)],
            slot_minutes=15,
            visits=visits,
        ),
    ]


async def seed_tenant(db: AsyncDatabase[dict[str, Any]], tenant: str, today: date) -> None:
    for collection, items, key in (
        ("services", catalogue(tenant), "code"),
        ("offices", offices(tenant, today), "id"),
    ):
        for item in items:
            body = msgspec.to_builtins(item)
            try:
                await db[collection].update_one(
                    {"_id": doc_id(tenant, body[key])},
                    {"$setOnInsert": {**body, "tenant": tenant}},
                    upsert=True,
                )
            except DuplicateKeyError:
                pass  # another replica seeded it at the same moment
