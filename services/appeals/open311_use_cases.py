"""Use cases behind Open311 GeoReport v2: list services, list and show requests, file a request
as an appeal (through the e-Reception's own `submit_appeal`), register client apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import DESCENDING
from pymongo.asynchronous.collection import AsyncCollection

from chassis.auth import Principal
from chassis.problems import FieldError, Problem
from services.appeals.category_repository import CategoryRepository
from services.appeals.domain import OPEN_STATUSES, AppealDraft, AppealRejected
from services.appeals.open311 import (
    PUBLIC_ADDRESS_SETTING,
    PUBLIC_FIELDS,
    RequestForm,
    request_view,
    service_definition,
    service_view,
)
from services.appeals.open311_clients import NAME_MAX, Open311Client, Open311ClientRepository
from services.appeals.tenant_settings import TenantSettingsReader
from services.appeals.use_cases import AppealUseCases

# The spec's default window when a list names no dates.
DEFAULT_WINDOW = timedelta(days=90)


class Open311Rejected(Exception):
    """A request Open311 refuses, with an HTTP status and field errors in its own format."""

    def __init__(self, status: int, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.status = status
        self.errors = errors


class Open311UseCases:
    def __init__(
        self,
        appeals: AsyncCollection[dict[str, Any]],
        categories: CategoryRepository,
        clients: Open311ClientRepository,
        tenant_settings: TenantSettingsReader,
        appeal_use_cases: AppealUseCases,
        *,
        max_requests: int = 1000,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.appeals = appeals
        self.categories = categories
        self.clients = clients
        self.tenant_settings = tenant_settings
        self.appeal_use_cases = appeal_use_cases
        self.max_requests = max_requests
        self.clock = clock

    async def list_services(self, tenant: str) -> list[dict[str, Any]]:
        return [service_view(asdict(c)) for c in await self.categories.list(tenant)]

    async def get_service(self, tenant: str, code: str) -> dict[str, Any]:
        category = await self.categories.get(tenant, code)
        if category is None or not category.active:
            raise Open311Rejected(404, [FieldError("service_code", f"'{code}' is not a service")])
        return service_definition(code)

    async def list_requests(
        self,
        tenant: str,
        *,
        ids: list[str] | None = None,
        service_code: str | None = None,
        status: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> list[dict[str, Any]]:
        """Public requests: categorised appeals only, newest first, at most `max_requests`."""
        query: dict[str, Any] = {"tenant": tenant, "category": {"$nin": [None, ""]}}
        if ids:
            query["number"] = {"$in": ids[: self.max_requests]}
        else:
            end = end or self.clock()
            start = start or end - DEFAULT_WINDOW
            query["received_at"] = {"$gte": start, "$lte": end}
        if service_code:
            query["category"] = service_code
        if status == "open":
            query["status"] = {"$in": list(OPEN_STATUSES)}
        elif status == "closed":
            query["status"] = {"$nin": list(OPEN_STATUSES)}
        cursor = self.appeals.find(
            query,
            dict.fromkeys(PUBLIC_FIELDS, 1),
            sort=[("received_at", DESCENDING)],
            limit=self.max_requests,
        )
        return await self._views(tenant, [doc async for doc in cursor])

    async def get_request(self, tenant: str, number: str) -> dict[str, Any]:
        found = await self.list_requests(tenant, ids=[number])
        if not found:
            raise Open311Rejected(
                404, [FieldError("service_request_id", f"'{number}' is not a public request")]
            )
        return found[0]

    async def _views(self, tenant: str, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = {c["service_code"]: c["service_name"] for c in await self.list_services(tenant)}
        show_address = (await self.tenant_settings.settings_of(tenant)).get(
            PUBLIC_ADDRESS_SETTING
        ) is True
        return [request_view(doc, names, show_address) for doc in docs]

    async def create_request(
        self, tenant: str, form: RequestForm, api_key: str, bearer: Principal | None
    ) -> dict[str, Any]:
        """File the request as a statement of the council's e-Reception; the answer is the
        request's id (the appeal number), as the spec's POST returns it."""
        author = await self._author(tenant, form, api_key, bearer)
        errors = form.check(needs_person=bool(api_key))
        if errors:
            raise Open311Rejected(400, errors)
        category = await self.categories.get(tenant, form.service_code)
        if category is None or not category.active:
            raise Open311Rejected(
                400, [FieldError("service_code", f"'{form.service_code}' is not a service")]
            )
        draft = AppealDraft(
            kind="statement",
            # The subject is public in Open311 lists; the service's name says what it is about
            # without anything the citizen wrote.
            subject=category.name.get("uk") or category.code,
            text=form.description,
            address=form.address_string,
            name=author.name,
            email=form.email or (author.email or ""),
            phone=form.phone,
            category=category.code,
            location=form.location()[0],
        )
        try:
            appeal = await self.appeal_use_cases.submit_appeal(tenant, author, draft)
        except AppealRejected as rejected:
            raise Open311Rejected(400, rejected.errors) from rejected
        return {
            "service_request_id": appeal.number,
            "service_notice": (
                "Звернення зареєстровано; відповідь надійде протягом місяця (ст. 20 Закону "
                "«Про звернення громадян») / Registered; answered within a month (Art. 20)"
            ),
            "account_id": "",
        }

    async def _author(
        self, tenant: str, form: RequestForm, api_key: str, bearer: Principal | None
    ) -> Principal:
        """A registered client speaking for a named citizen, or the citizen themself."""
        if api_key:
            client = await self.clients.by_key(tenant, api_key)
            if client is None:
                raise Open311Rejected(403, [FieldError("api_key", "is not valid for this council")])
            contact = (form.email or form.phone).lower()
            return Principal(
                sub=f"open311:{client.id}:{contact}",
                name=f"{form.first_name} {form.last_name}".strip(),
                email=form.email or None,
                roles=frozenset({"citizen"}),
            )
        if bearer is None:
            raise Open311Rejected(
                403, [FieldError("api_key", "is required (or a citizen's bearer token)")]
            )
        if not bearer.has_role("citizen"):
            raise Open311Rejected(403, [FieldError("api_key", "only a citizen files a request")])
        return bearer

    async def register_client(
        self, tenant: str, caller: Principal, name: str
    ) -> tuple[Open311Client, str]:
        if not (caller.is_staff_of(tenant) and caller.has_role("tenant_admin")):
            raise Problem(403, "Only the council's tenant_admin registers Open311 clients.")
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            raise Problem(
                422,
                "name: 1 to 200 characters",
                errors=[FieldError("name", "must be 1 to 200 characters")],
            )
        return await self.clients.register(tenant, name, caller.sub)

    async def list_clients(self, tenant: str, caller: Principal) -> list[Open311Client]:
        if not (caller.is_staff_of(tenant) and caller.has_role("tenant_admin")):
            raise Problem(403, "Only the council's tenant_admin sees its Open311 clients.")
        return await self.clients.list(tenant)
