"""Platform-level routes under `/api/v1/platform/...` (not tied to one council): the list of
councils for everyone, and onboarding and changing councils for platform administrators."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, get, patch, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler
from litestar.params import JSONBody

from chassis.auth import JwtVerifier, Principal
from chassis.guards import require_platform_admin
from chassis.problems import Problem
from gateway.edge_auth import authenticate_at_edge
from gateway.onboarding import changed_tenant, new_tenant
from gateway.tenants import Tenant, TenantDirectory, TenantStore


class TenantRegistration(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A council to onboard. Settings not given start at their defaults."""

    slug: str
    name: dict[str, str | None]
    timezone: str = "Europe/Kyiv"
    locale: str = "uk"
    settings: dict[str, Any] = msgspec.field(default_factory=dict)


class TenantChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What a platform administrator may change; absent parts stay as they are. `settings` is
    merged into the current settings; `active: false` makes the council read-only."""

    name: dict[str, str | None] | None = None
    settings: dict[str, Any] | None = None
    active: bool | None = None


async def platform_admins_only(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Guard: a guard runs before the body is read, so a caller who may not manage councils
    gets 401/403 and learns nothing about what a valid request would look like."""
    verifier: JwtVerifier = connection.app.state.jwt_verifier
    authorization = connection.headers.get("authorization")
    principal = await authenticate_at_edge("POST", authorization, verifier)
    assert principal is not None  # a change always needs a token: 401 above otherwise
    require_platform_admin(principal)


def _is_platform_admin(principal: Principal | None) -> bool:
    return principal is not None and principal.has_role("platform_admin")


def _not_found(slug: str) -> Problem:
    return Problem(404, f"There is no council '{slug[:40]}' on this platform.")


class PlatformController(Controller):
    """Councils of this installation. Anyone sees the active ones; a platform administrator
    sees every council with its state and settings, and onboards and changes them."""

    path = "/api/v1/platform"
    tags = ["platform"]

    @get("/tenants", operation_id="list_tenants")
    async def list_tenants(
        self,
        tenant_directory: NamedDependency[TenantDirectory],
        maybe_principal: Principal | None,
    ) -> dict[str, Any]:
        """Active councils: slug, name (uk/en), time zone and locale. For a platform
        administrator: every council, with `active` and `settings`."""
        if _is_platform_admin(maybe_principal):
            items = [t.admin_view() for t in await tenant_directory.list_all()]
        else:
            items = [t.public_view() for t in await tenant_directory.list_active()]
        return {"items": items, "next_cursor": None}

    @get("/tenants/{slug:str}", operation_id="get_tenant")
    async def get_tenant(
        self,
        slug: str,
        tenant_directory: NamedDependency[TenantDirectory],
        maybe_principal: Principal | None,
    ) -> dict[str, Any]:
        """One council, as in the list."""
        if _is_platform_admin(maybe_principal):
            tenant = await tenant_directory.find(slug)
            if tenant is None:
                raise _not_found(slug)
            return tenant.admin_view()
        active = await tenant_directory.find_active(slug)
        if active is None:
            raise _not_found(slug)
        return active.public_view()

    @post(
        "/tenants", status_code=201, operation_id="register_tenant", guards=[platform_admins_only]
    )
    async def register_tenant(
        self,
        data: JSONBody[TenantRegistration],
        tenant_store: NamedDependency[TenantStore],
    ) -> dict[str, Any]:
        """Onboard a council (platform administrators only); it serves requests at once and
        `platform.tenant.registered.v1` is published."""
        tenant = new_tenant(
            slug=data.slug,
            name=data.name,
            timezone=data.timezone,
            locale=data.locale,
            settings=data.settings,
        )
        return (await tenant_store.register(tenant)).admin_view()

    @patch("/tenants/{slug:str}", operation_id="change_tenant", guards=[platform_admins_only])
    async def change_tenant(
        self,
        slug: str,
        data: JSONBody[TenantChange],
        tenant_store: NamedDependency[TenantStore],
    ) -> dict[str, Any]:
        """Change a council's name, settings or active state (platform administrators only);
        `platform.tenant.updated.v1` is published when something changed."""

        def apply(current: Tenant) -> Tenant:
            return changed_tenant(
                current, name=data.name, settings=data.settings, active=data.active
            )

        return (await tenant_store.update(slug, apply)).admin_view()
