"""Platform-level routes under `/api/v1/platform/...` (not tied to one council)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency

from gateway.tenants import TenantDirectory


class PlatformController(Controller):
    """Public facts about the installation; onboarding and admin come in a later issue."""

    path = "/api/v1/platform"
    tags = ["platform"]

    @get("/tenants", operation_id="list_tenants")
    async def list_tenants(
        self, tenant_directory: NamedDependency[TenantDirectory]
    ) -> dict[str, Any]:
        """Active councils: slug, name (uk/en), time zone and locale."""
        tenants = await tenant_directory.list_active()
        return {"items": [t.public_view() for t in tenants], "next_cursor": None}
