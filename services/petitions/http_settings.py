"""A council's petition rules: `GET` for anyone (citizens see the threshold they must reach),
`PUT` by the council's tenant admin. Unset fields follow the council's platform settings
(`petition_threshold`, `petition_collection_days`) and then the defaults (250, 60, any)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, put
from litestar.params import JSONBody

from chassis.auth import Principal
from chassis.guards import require_tenant_admin_of
from services.petitions.tenant_settings import CouncilPolicies, PetitionSettingsStore


class PetitionSettingsBody(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    threshold: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] | None = None
    collection_days: Annotated[int, msgspec.Meta(ge=1, le=365)] | None = None
    signers: Literal["any", "residents"] | None = None


class PetitionSettingsController(Controller):
    path = "/api/v1/{tenant:str}/petitions/settings"
    tags = ["petitions: settings"]

    @get("/", operation_id="get_petition_settings")
    async def get_settings(self, tenant: str, petition_policies: CouncilPolicies) -> dict[str, Any]:
        """The rules a petition published now would get."""
        return asdict((await petition_policies.get(tenant)).rules)

    @put("/", operation_id="put_petition_settings")
    async def put_settings(
        self,
        tenant: str,
        data: JSONBody[PetitionSettingsBody],
        principal: Principal,
        petition_settings: PetitionSettingsStore,
        petition_policies: CouncilPolicies,
    ) -> dict[str, Any]:
        """Replace the council's overrides; petitions already collecting keep their rules."""
        require_tenant_admin_of(principal, tenant)
        await petition_settings.put(tenant, msgspec.to_builtins(data))
        return asdict((await petition_policies.get(tenant)).rules)
