"""The open-data index of a council: which public, non-personal datasets it publishes and
where. Anyone may read it; the datasets themselves are served by their services."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from gateway.tenants import TenantDirectory, resolve_tenant

LICENSE = "CC BY 4.0"
# (dataset id, service, title uk, title en, status).
DATASETS = (
    (
        "appeals-by-month",
        "appeals",
        "Звернення громадян за місяцями, видами та категоріями (лише кількості)",
        "Citizens' appeals by month, kind and category (counts only)",
        "available",
    ),
    (
        "petitions",
        "petitions",
        "Електронні петиції: кількість підписів і результати",
        "e-Petitions with signature counts and outcomes",
        "available",
    ),
    (
        "budget-projects",
        "budget",
        "Проєкти громадського бюджету: голоси та результати",
        "Participatory budget projects with votes and results",
        "available",
    ),
)


def dataset_index(tenant: str) -> list[dict[str, Any]]:
    items = []
    for dataset, service, title_uk, title_en, status in DATASETS:
        base = f"/api/v1/{tenant}/{service}/open-data/{dataset}"
        formats = {"json": f"{base}.json", "csv": f"{base}.csv"} if status == "available" else {}
        items.append(
            {
                "id": dataset,
                "service": service,
                "title": {"uk": title_uk, "en": title_en},
                "status": status,
                "license": LICENSE,
                "formats": formats,
            }
        )
    return items


class OpenDataIndexController(Controller):
    path = "/api/v1/{tenant:str}/open-data"
    tags = ["open data"]

    @get("/", operation_id="list_open_datasets")
    async def list_open_datasets(
        self, tenant: FromPath[str], tenant_directory: NamedDependency[TenantDirectory]
    ) -> dict[str, Any]:
        """The council's open datasets (JSON and CSV), public and without personal data."""
        await resolve_tenant(tenant_directory, tenant)
        return {"tenant": tenant, "items": dataset_index(tenant), "next_cursor": None}
