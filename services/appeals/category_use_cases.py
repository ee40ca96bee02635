"""The council's category catalogue, managed by its tenant admin."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from chassis.auth import Principal
from chassis.problems import FieldError, Problem
from services.appeals.category_repository import CategoryExists, CategoryRepository
from services.appeals.domain.category import (
    DESCRIPTION_MAX,
    Category,
    validate_category,
    validate_name,
)


def _require_admin(tenant: str, principal: Principal) -> None:
    if not (principal.tenant == tenant and principal.has_role("tenant_admin")):
        raise Problem(403, "Only the council's tenant admin manages this.")


def _rejected(errors: list[FieldError]) -> Problem:
    return Problem(422, "; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)


@dataclass(frozen=True)
class CategoryChanges:
    name: dict[str, str] | None = None
    description: str | None = None
    active: bool | None = None


class CatalogueUseCases:
    def __init__(self, categories: CategoryRepository) -> None:
        self.categories = categories

    async def add_category(
        self, tenant: str, admin: Principal, code: str, name: dict[str, str], description: str
    ) -> Category:
        _require_admin(tenant, admin)
        errors = validate_category(code, name, description)
        if errors:
            raise _rejected(errors)
        category = Category(tenant, code, {k: name[k].strip() for k in ("uk", "en")}, description)
        try:
            await self.categories.add(category)
        except CategoryExists as exc:
            raise Problem(409, f"Category '{code}' already exists.") from exc
        return category

    async def list_categories(self, tenant: str, viewer: Principal | None) -> list[Category]:
        """Everyone sees the active ones; the tenant admin sees inactive ones too."""
        admin = viewer is not None and viewer.tenant == tenant and viewer.has_role("tenant_admin")
        return await self.categories.list(tenant, active_only=not admin)

    async def change_category(
        self, tenant: str, admin: Principal, code: str, changes: CategoryChanges
    ) -> Category:
        _require_admin(tenant, admin)
        errors = validate_name(changes.name) if changes.name is not None else []
        if changes.description is not None and len(changes.description) > DESCRIPTION_MAX:
            errors.append(
                FieldError("description", f"must be at most {DESCRIPTION_MAX} characters")
            )
        if errors:
            raise _rejected(errors)
        update = {k: v for k, v in asdict(changes).items() if v is not None}
        if not update:
            found = await self.categories.get(tenant, code)
        else:
            found = await self.categories.update(tenant, code, update)
        if found is None:
            raise Problem(404, f"No category '{code}'.")
        return found
