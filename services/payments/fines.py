"""The fines register behind one small interface: look a fine up by its resolution number.
Outside production a demo register answers: any `DEMO-<digits>` number is an unpaid fine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from chassis.problems import Problem
from services.payments.catalogue import DEMO_TREASURY
from services.payments.domain import Requisites

FINES_BUDGET_CODE = "21081100"  # administrative fines and other sanctions


@dataclass(frozen=True)
class Fine:
    resolution_number: str
    amount: int  # kopiyky
    offence: str
    requisites: Requisites


class FinesRegister(Protocol):
    async def find(self, tenant: str, resolution_number: str) -> Fine | None: ...


_DEMO_NUMBER = re.compile(r"^DEMO-\d{1,20}$")


class DemoFinesRegister:
    async def find(self, tenant: str, resolution_number: str) -> Fine | None:
        if not _DEMO_NUMBER.match(resolution_number):
            return None
        offence = "Порушення правил благоустрою території (ст. 152 КУпАП)"
        return Fine(
            resolution_number=resolution_number,
            amount=34000,
            offence=offence,
            requisites=Requisites(
                **DEMO_TREASURY,
                budget_code=FINES_BUDGET_CODE,
                purpose_text=f"*;101;Штраф, постанова № {resolution_number}",
            ),
        )


class NoFinesRegister:
    """Production until a real register is connected: say so instead of guessing amounts."""

    async def find(self, tenant: str, resolution_number: str) -> Fine | None:
        raise Problem(
            503,
            "Реєстр штрафів недоступний / The fines register is not connected.",
        )
