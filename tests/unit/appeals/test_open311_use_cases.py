"""Filing through Open311 with fakes: the key decides who speaks, per council; the citizen's
fields become the appeal the e-Reception registers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chassis.auth import Principal
from services.appeals.domain import AppealDraft
from services.appeals.domain.category import Category
from services.appeals.open311 import RequestForm
from services.appeals.open311_clients import Open311Client, key_hash, new_api_key
from services.appeals.open311_use_cases import Open311Rejected, Open311UseCases

KEY = new_api_key()


class FakeCategories:
    async def get(self, tenant: str, code: str) -> Category | None:
        return Category(tenant, code, {"uk": "Дороги", "en": "Roads"}) if code == "roads" else None

    async def list(self, tenant: str) -> list[Category]:
        return [Category(tenant, "roads", {"uk": "Дороги", "en": "Roads"})]


class FakeClients:
    """One client, registered by `kamianske`; the lookup is by council and key hash."""

    async def by_key(self, tenant: str, api_key: str) -> Open311Client | None:
        if tenant == "kamianske" and key_hash(api_key) == key_hash(KEY):
            return Open311Client("cl1", tenant, "App", datetime(2026, 1, 1, tzinfo=UTC))
        return None


class RecordingAppeals:
    def __init__(self) -> None:
        self.filed: list[tuple[str, Principal, AppealDraft]] = []

    async def submit_appeal(self, tenant: str, author: Principal, draft: AppealDraft) -> Any:
        self.filed.append((tenant, author, draft))
        return type("Filed", (), {"number": "KAMIANSKE-2026-1"})()


FORM = RequestForm(
    service_code="roads",
    description="Яма",
    address_string="вул. Лесі Українки, 2",
    lat="48.5",
    long="34.6",
    first_name="Олена",
    last_name="Коваль",
    email="Olena@Example.ua",
)


def open311(appeals: RecordingAppeals) -> Open311UseCases:
    return Open311UseCases(
        None,  # type: ignore[arg-type]  # the appeals collection: lists are not exercised here
        FakeCategories(),  # type: ignore[arg-type]
        FakeClients(),  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        appeals,  # type: ignore[arg-type]
    )


async def test_a_keyed_filing_is_an_appeal_of_the_named_citizen_art5() -> None:
    appeals = RecordingAppeals()
    created = await open311(appeals).create_request("kamianske", FORM, KEY, None)
    assert created["service_request_id"] == "KAMIANSKE-2026-1"
    tenant, author, draft = appeals.filed[0]
    assert tenant == "kamianske"
    assert author.sub == "open311:cl1:olena@example.ua" and author.has_role("citizen")
    assert (draft.name, draft.address, draft.text) == ("Олена Коваль", FORM.address_string, "Яма")
    assert (draft.kind, draft.category, draft.location) == ("statement", "roads", (48.5, 34.6))
    assert draft.subject == "Дороги"  # public in lists: never the citizen's own words


@pytest.mark.parametrize("tenant", ["uzhhorod", "chernivtsi"])
async def test_a_key_works_only_for_the_council_that_issued_it(tenant: str) -> None:
    appeals = RecordingAppeals()
    with pytest.raises(Open311Rejected) as caught:
        await open311(appeals).create_request(tenant, FORM, KEY, None)
    assert caught.value.status == 403 and appeals.filed == []


async def test_an_unknown_service_is_400_and_nothing_is_filed() -> None:
    appeals = RecordingAppeals()
    form = RequestForm(**{**FORM.__dict__, "service_code": "parks"})
    with pytest.raises(Open311Rejected) as caught:
        await open311(appeals).create_request("kamianske", form, KEY, None)
    assert caught.value.status == 400 and caught.value.errors[0].field == "service_code"
    assert appeals.filed == []


async def test_an_official_token_cannot_file_without_a_key() -> None:
    official = Principal(sub="o1", roles=frozenset({"official"}), tenant="kamianske")
    with pytest.raises(Open311Rejected) as caught:
        await open311(RecordingAppeals()).create_request("kamianske", FORM, "", official)
    assert caught.value.status == 403
