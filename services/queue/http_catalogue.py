"""HTTP: the council's catalogue, its offices and their free slots (public reads), and the
tenant administrator's changes to them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, put
from litestar.params import JSONBody, Parameter

from chassis.auth import Principal
from chassis.guards import require_tenant_admin_of
from services.queue.booking_use_cases import BookingUseCases
from services.queue.catalogue_repository import CatalogueRepository
from services.queue.domain.catalogue import AdminService, check_service
from services.queue.domain.errors import invalid, not_found
from services.queue.domain.office import Office, check_office


class CatalogueController(Controller):
    path = "/api/v1/{tenant:str}/queue"
    tags = ["queue catalogue"]

    @get("/services", operation_id="list_queue_services")
    async def list_services(self, tenant: str, catalogue: CatalogueRepository) -> dict[str, Any]:
        """The council's administrative services: documents, fee and requisites, duration."""
        services = await catalogue.list_services(tenant)
        return {"items": [msgspec.to_builtins(s) for s in services if s.active]}

    @put("/services/{code:str}", operation_id="put_queue_service")
    async def put_service(
        self,
        tenant: str,
        code: str,
        data: JSONBody[AdminService],
        principal: Principal,
        catalogue: CatalogueRepository,
    ) -> dict[str, Any]:
        """Add or replace a service (tenant administrator)."""
        require_tenant_admin_of(principal, tenant)
        if data.code != code:
            raise invalid("code", "must equal the code in the path")
        await catalogue.put_service(tenant, check_service(data))
        return msgspec.to_builtins(data)

    @get("/offices", operation_id="list_queue_offices")
    async def list_offices(self, tenant: str, catalogue: CatalogueRepository) -> dict[str, Any]:
        """Stationary and mobile ASCs with windows, hours, breaks and visits."""
        offices = await catalogue.list_offices(tenant)
        return {"items": [msgspec.to_builtins(o) for o in offices if o.active]}

    @get("/offices/{office_id:str}", operation_id="get_queue_office")
    async def get_office(
        self, tenant: str, office_id: str, catalogue: CatalogueRepository
    ) -> dict[str, Any]:
        office = await catalogue.office(tenant, office_id)
        if office is None:
            raise not_found("Немає такого ЦНАП / No such office")
        return msgspec.to_builtins(office)

    @put("/offices/{office_id:str}", operation_id="put_queue_office")
    async def put_office(
        self,
        tenant: str,
        office_id: str,
        data: JSONBody[Office],
        principal: Principal,
        catalogue: CatalogueRepository,
    ) -> dict[str, Any]:
        """Add or replace an office (tenant administrator); bookings already made stay."""
        require_tenant_admin_of(principal, tenant)
        if data.id != office_id:
            raise invalid("id", "must equal the office id in the path")
        known = {s.code for s in await catalogue.list_services(tenant)}
        await catalogue.put_office(tenant, check_office(data, known))
        return msgspec.to_builtins(data)

    @get("/offices/{office_id:str}/slots", operation_id="list_queue_slots")
    async def list_slots(
        self,
        tenant: str,
        office_id: str,
        service: str,
        day: Annotated[date, Parameter(query="date")],
        booking_use_cases: BookingUseCases,
    ) -> dict[str, Any]:
        """`?service={code}&date=YYYY-MM-DD` -> the day's slots with what is still free."""
        slots = await booking_use_cases.list_slots(tenant, office_id, service, day)
        return {
            "items": [
                {"start": s.start, "end": s.end, "capacity": s.capacity, "available": s.available}
                for s in slots
            ]
        }
