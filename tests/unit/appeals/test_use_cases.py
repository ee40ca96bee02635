"""Submitting an appeal: numbering under a racing counter, nothing stored when invalid."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chassis.auth import Principal
from chassis.problems import Problem
from services.appeals.domain import Appeal, AppealDraft, AppealRejected
from services.appeals.repository import NumberTaken
from services.appeals.use_cases import AppealUseCases


class FakeAppeals:
    """Hands out counter values from a script, and refuses a number already taken, as the
    unique (tenant, number) index does."""

    def __init__(self, counter_values: list[int]) -> None:
        self.counter_values = counter_values
        self.stored: dict[str, tuple[Appeal, list[Any]]] = {}

    async def next_number_seq(self, tenant: str, year: int) -> int:
        return self.counter_values.pop(0)

    async def recent_by_citizen(self, tenant: str, citizen_sub: str, since: Any) -> list[Any]:
        return []

    async def add(self, appeal: Appeal, outbox: list[Any]) -> None:
        if appeal.number in self.stored:
            raise NumberTaken(appeal.number)
        self.stored[appeal.number] = (appeal, outbox)


CITIZEN = Principal(sub="c1", name="Олена Коваль", roles=frozenset({"citizen"}))
DRAFT = AppealDraft(
    kind="proposal",
    subject="Парк",
    text="Облаштувати парк.",
    address="м. Кам'янське",
    email="o@example.ua",
    name="Олена Коваль",
)


def use_cases(repo: FakeAppeals) -> AppealUseCases:
    clock = lambda: datetime(2026, 5, 4, 10, 0, tzinfo=UTC)  # noqa: E731
    return AppealUseCases(repo, "Europe/Kyiv", clock=clock)  # type: ignore[arg-type]


async def test_a_number_handed_out_twice_is_retried_with_the_next_one() -> None:
    repo = FakeAppeals(counter_values=[1, 1, 2])  # a racing counter repeated 1
    cases = use_cases(repo)
    first = await cases.submit_appeal("kamianske", CITIZEN, DRAFT)
    second = await cases.submit_appeal("kamianske", CITIZEN, DRAFT)
    assert (first.number, second.number) == ("KAMIANSKE-2026-1", "KAMIANSKE-2026-2")


async def test_registered_event_is_stored_with_the_appeal_in_one_write() -> None:
    repo = FakeAppeals(counter_values=[7])
    appeal = await use_cases(repo).submit_appeal("kamianske", CITIZEN, DRAFT)
    _, outbox = repo.stored[appeal.number]
    assert [r["envelope"]["type"] for r in outbox] == ["appeals.appeal.registered.v1"]
    assert outbox[0]["key"] == f"kamianske:{appeal.id}"
    assert outbox[0]["envelope"]["data"]["number"] == "KAMIANSKE-2026-7"


async def test_invalid_appeal_stores_nothing_and_uses_no_number() -> None:
    repo = FakeAppeals(counter_values=[1])
    with pytest.raises(AppealRejected):
        await use_cases(repo).submit_appeal(
            "kamianske", CITIZEN, AppealDraft(**{**vars(DRAFT), "email": ""})
        )
    assert repo.stored == {} and repo.counter_values == [1]


async def test_only_a_citizen_files_an_appeal() -> None:
    official = Principal(
        sub="o1", name="Посадовець", roles=frozenset({"official"}), tenant="kamianske"
    )
    with pytest.raises(Problem) as caught:
        await use_cases(FakeAppeals([1])).submit_appeal("kamianske", official, DRAFT)
    assert caught.value.status == 403
