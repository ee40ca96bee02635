"""HTTP edge of the council's appeal category catalogue."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, patch, post
from litestar.params import JSONBody

from chassis.auth import Principal
from services.appeals.category_use_cases import CatalogueUseCases, CategoryChanges
from services.appeals.domain.category import Category


class CategoryCreate(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: dict[str, str]
    description: str = ""


class CategoryPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: dict[str, str] | None = None
    description: str | None = None
    active: bool | None = None


class CategoryView(msgspec.Struct):
    code: str
    name: dict[str, str]
    description: str
    active: bool


def _category(c: Category) -> CategoryView:
    return CategoryView(code=c.code, name=c.name, description=c.description, active=c.active)


class CatalogueController(Controller):
    path = "/api/v1/{tenant:str}/appeals"
    tags = ["appeals: catalogue"]

    @post("/categories", operation_id="create_appeal_category", status_code=201)
    async def create_category(
        self,
        tenant: str,
        data: JSONBody[CategoryCreate],
        principal: Principal,
        catalogue: CatalogueUseCases,
    ) -> CategoryView:
        """Add a category to the council's catalogue (tenant admin)."""
        return _category(
            await catalogue.add_category(tenant, principal, data.code, data.name, data.description)
        )

    @get("/categories", operation_id="list_appeal_categories")
    async def list_categories(
        self, tenant: str, maybe_principal: Principal | None, catalogue: CatalogueUseCases
    ) -> dict[str, Any]:
        """The council's categories (public: active ones; the tenant admin sees all)."""
        found = await catalogue.list_categories(tenant, maybe_principal)
        return {"items": [_category(c) for c in found], "next_cursor": None}

    @patch("/categories/{code:str}", operation_id="update_appeal_category")
    async def update_category(
        self,
        tenant: str,
        code: str,
        data: JSONBody[CategoryPatch],
        principal: Principal,
        catalogue: CatalogueUseCases,
    ) -> CategoryView:
        changes = CategoryChanges(data.name, data.description, data.active)
        return _category(await catalogue.change_category(tenant, principal, code, changes))
