"""What a service costs and where its fee goes: the queue service's public catalogue, asked
server to server, with a fixed demo table outside production while queue is away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from chassis.logging import get_logger
from services.payments.domain import Requisites

log = get_logger("payments.catalogue")

# Demo treasury details (the IBAN is the NBU's documentation example, not a real account).
DEMO_TREASURY = {
    "recipient": "ГУК у області / місцевий бюджет громади",
    "iban": "UA213223130000026007233566001",
    "edrpou": "37978503",
}
ADMIN_FEE_BUDGET_CODE = "22012500"  # administrative fees for administrative services


@dataclass(frozen=True)
class ServiceFee:
    code: str
    name: str
    amount: int  # kopiyky
    requisites: Requisites


class ServiceCatalogue(Protocol):
    async def fee_of(self, tenant: str, code: str) -> ServiceFee | None: ...


# The same codes and fees as queue's demo seed, so dev flows work with or without queue.
DEMO_SERVICES = {
    "passport-id": ("Оформлення паспорта громадянина України у формі ID-картки", 34500),
    "foreign-passport": ("Оформлення паспорта громадянина України для виїзду за кордон", 78200),
    "land-extract": ("Витяг з Державного земельного кадастру про земельну ділянку", 9100),
}


class DemoCatalogue:
    """A fixed table for dev and tests; every council has the same fees."""

    async def fee_of(self, tenant: str, code: str) -> ServiceFee | None:
        if code not in DEMO_SERVICES:
            return None
        name, amount = DEMO_SERVICES[code]
        requisites = Requisites(
            **DEMO_TREASURY, budget_code=ADMIN_FEE_BUDGET_CODE, purpose_text=f"*;101;{name}"
        )
        return ServiceFee(code, name, amount, requisites)


def _fee_from_item(item: dict[str, Any]) -> ServiceFee | None:
    """One catalogue entry as queue publishes it (`fee` holds the amount and the treasury
    requisites); None if the service is free or its requisites are missing."""
    fee = item.get("fee")
    name = item.get("name")
    if isinstance(name, dict):
        name = name.get("uk") or next(iter(name.values()), "")
    if not isinstance(fee, dict) or item.get("paid") is False:
        return None
    amount = fee.get("amount")
    if not isinstance(amount, int) or amount <= 0 or fee.get("currency", "UAH") != "UAH":
        return None
    try:
        requisites = Requisites(
            recipient=str(fee["recipient"]),
            iban=str(fee["iban"]),
            edrpou=str(fee["edrpou"]),
            budget_code=str(fee["budget_code"]),
            purpose_text=f"*;101;{name}",
        )
    except KeyError:
        return None
    return ServiceFee(str(item["code"]), str(name or item["code"]), amount, requisites)


class QueueCatalogue:
    """`GET {queue}/api/v1/{tenant}/queue/services`; the fallback answers when queue cannot."""

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, fallback: ServiceCatalogue | None
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.fallback = fallback

    async def fee_of(self, tenant: str, code: str) -> ServiceFee | None:
        try:
            items = await self._services(tenant)
        except (httpx.HTTPError, ValueError) as exc:
            if self.fallback is None:
                raise
            log.warning("catalogue.queue_unavailable", error=type(exc).__name__)
            return await self.fallback.fee_of(tenant, code)
        for item in items:
            if isinstance(item, dict) and item.get("code") == code:
                return _fee_from_item(item)
        return None  # queue answered: its catalogue is the whole truth

    async def _services(self, tenant: str) -> list[Any]:
        url = f"{self.base_url}/api/v1/{tenant}/queue/services"
        response = await self.http.get(url, params={"limit": 100})
        response.raise_for_status()
        body = response.json()
        items = body.get("items") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise ValueError("unexpected catalogue shape")
        return items
