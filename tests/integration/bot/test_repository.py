"""The bot's store on a real MongoDB-wire server: a link code is used by exactly one of many
racing chats, an update is taken in once, a stored conversation is read back until it expires,
and the sweep removes what has expired (FerretDB has no TTL index)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from bot.domain.link_codes import LinkCode, new_code
from bot.domain.model import MENU, ChatState
from bot.repository import BotRepository
from chassis.settings import ServiceSettings

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


@pytest.fixture
async def repository() -> AsyncIterator[BotRepository]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        ServiceSettings().mongo_url, tz_aware=True
    )
    name = f"test_bot_{uuid.uuid4().hex[:8]}"
    repository = BotRepository(client[name])
    await repository.ensure_indexes()
    yield repository
    await client.drop_database(name)
    await client.close()


def code(expires_at: datetime) -> LinkCode:
    return LinkCode(new_code(), "chernivtsi", "sub-1", "Олена", None, None, expires_at)


async def test_one_of_many_racing_chats_uses_a_code(repository: BotRepository) -> None:
    issued = code(NOW + timedelta(minutes=10))
    await repository.add_code(issued, NOW)
    found = await repository.find_code(issued.code)
    assert found is not None and found.sub == "sub-1" and found.tenant == "chernivtsi"
    results = await asyncio.gather(
        *(repository.use_code(issued, f"chernivtsi:telegram:{i}", NOW) for i in range(12))
    )
    assert results.count(True) == 1


async def test_an_update_is_taken_in_once(repository: BotRepository) -> None:
    later = NOW + timedelta(days=1)
    update = {"update_id": 5, "message": {"text": "x"}}
    takes = await asyncio.gather(
        *(
            repository.record_update("chernivtsi", "telegram", 5, update, NOW, later)
            for _ in range(8)
        )
    )
    assert takes.count(True) == 1
    assert await repository.record_update("uzhhorod", "telegram", 5, update, NOW, later)
    unhandled = await repository.unhandled_updates(NOW + timedelta(seconds=1))
    assert {u["tenant"] for u in unhandled} == {"chernivtsi", "uzhhorod"}
    await repository.mark_update_done("chernivtsi", "telegram", 5)
    unhandled = await repository.unhandled_updates(NOW + timedelta(seconds=1))
    assert [u["tenant"] for u in unhandled] == ["uzhhorod"]


async def test_the_conversation_is_kept_until_it_expires(repository: BotRepository) -> None:
    state = ChatState("appeal.text", {"subject": "Яма на дорозі"})
    await repository.save_chat(
        "chernivtsi", "telegram", "42", state, NOW + timedelta(hours=1), "en", NOW
    )
    chat = await repository.chat("chernivtsi", "telegram", "42")
    assert repository.state_of(chat, NOW) == state and chat["locale"] == "en"
    assert repository.state_of(chat, NOW + timedelta(hours=2)) == MENU
    other_council = await repository.chat("uzhhorod", "telegram", "42")
    assert "state" not in other_council


async def test_the_sweep_removes_what_has_expired(repository: BotRepository) -> None:
    old, fresh = code(NOW - timedelta(minutes=1)), code(NOW + timedelta(minutes=10))
    for issued in (old, fresh):
        await repository.add_code(issued, NOW)
        await repository.use_code(issued, "chat", NOW)
    gone = NOW - timedelta(seconds=1)
    await repository.save_chat(
        "chernivtsi", "telegram", "1", ChatState("appeal.text"), gone, "uk", NOW
    )
    await repository.record_update("chernivtsi", "telegram", 1, {}, NOW, gone)
    removed = await repository.delete_expired(NOW)
    assert removed == {"link_codes": 1, "link_code_uses": 1, "updates": 1, "conversations": 1}
    assert await repository.find_code(old.code) is None
    assert await repository.find_code(fresh.code) is not None
    assert "state" not in await repository.chat("chernivtsi", "telegram", "1")


async def test_unlinking_forgets_the_person_in_this_council_only(
    repository: BotRepository,
) -> None:
    link = {"sub": "sub-1", "name": "Олена", "linked_at": NOW}
    for tenant in ("chernivtsi", "uzhhorod"):
        await repository.link_chat(tenant, "telegram", "42", link, NOW)
    assert await repository.unlink_chats("chernivtsi", "sub-1") == 1
    assert await repository.linked_chats("chernivtsi", "sub-1") == []
    assert len(await repository.linked_chats("uzhhorod", "sub-1")) == 1
