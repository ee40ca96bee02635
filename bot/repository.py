"""The bot's own database: chats (link, language, conversation state with its expiry), one-time
link codes and their single use, and received updates (de-duplication by update id).

FerretDB has no TTL index, so every read filters on `expires_at` and the leader's sweep
(`sweeper.py`) deletes what has expired. Single use of a code and once-only handling of an
update are arbitrated by unique `_id`s, never by a read-then-write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from bot.domain.link_codes import LinkCode
from bot.domain.model import MENU, ChatState


def chat_key(tenant: str, messenger: str, chat_id: str) -> str:
    return f"{tenant}:{messenger}:{chat_id}"


class BotRepository:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.chats = db["chats"]
        self.codes = db["link_codes"]
        self.code_uses = db["link_code_uses"]
        self.updates = db["updates"]

    async def ensure_indexes(self) -> None:
        await self.chats.create_index([("tenant", 1), ("link.sub", 1)])
        await self.codes.create_index([("tenant", 1), ("sub", 1)])
        await self.updates.create_index([("tenant", 1), ("status", 1)])

    # ------------------------------------------------------------------ updates

    async def record_update(
        self,
        tenant: str,
        messenger: str,
        update_id: int,
        update: dict[str, Any],
        now: datetime,
        expires_at: datetime,
    ) -> bool:
        """False when this update was received before (Telegram retries a slow webhook)."""
        try:
            await self.updates.insert_one(
                {
                    "_id": f"{tenant}:{messenger}:{update_id}",
                    "tenant": tenant,
                    "messenger": messenger,
                    "update": update,
                    "status": "received",
                    "received_at": now,
                    "expires_at": expires_at,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def mark_update_done(self, tenant: str, messenger: str, update_id: int) -> None:
        await self.updates.update_one(
            {"_id": f"{tenant}:{messenger}:{update_id}"}, {"$set": {"status": "done"}}
        )

    async def unhandled_updates(self, received_before: datetime) -> list[dict[str, Any]]:
        """Updates a crashed process took in but never finished (the sweep handles them)."""
        cursor = self.updates.find(
            {"status": "received", "received_at": {"$lt": received_before}}
        ).limit(100)
        return [doc async for doc in cursor]

    # ------------------------------------------------------------------ chats

    async def chat(self, tenant: str, messenger: str, chat_id: str) -> dict[str, Any]:
        doc = await self.chats.find_one({"_id": chat_key(tenant, messenger, chat_id)})
        if doc is None or doc.get("tenant") != tenant:
            return {"tenant": tenant, "messenger": messenger, "chat_id": chat_id}
        return doc

    @staticmethod
    def state_of(chat: dict[str, Any], now: datetime) -> ChatState:
        """The stored conversation, or the menu once it has expired."""
        stored = chat.get("state")
        expires_at = chat.get("state_expires_at")
        if not stored or expires_at is None or expires_at <= now:
            return MENU
        return ChatState(stored.get("step", "menu"), dict(stored.get("draft") or {}))

    async def save_chat(
        self,
        tenant: str,
        messenger: str,
        chat_id: str,
        state: ChatState,
        state_expires_at: datetime,
        locale: str,
        now: datetime,
    ) -> None:
        await self.chats.update_one(
            {"_id": chat_key(tenant, messenger, chat_id)},
            {
                "$set": {
                    "tenant": tenant,
                    "messenger": messenger,
                    "chat_id": chat_id,
                    "state": {"step": state.step, "draft": state.draft},
                    "state_expires_at": state_expires_at,
                    "locale": locale,
                    "updated_at": now,
                }
            },
            upsert=True,
        )

    async def link_chat(
        self, tenant: str, messenger: str, chat_id: str, link: dict[str, Any], now: datetime
    ) -> None:
        await self.chats.update_one(
            {"_id": chat_key(tenant, messenger, chat_id)},
            {
                "$set": {
                    "tenant": tenant,
                    "messenger": messenger,
                    "chat_id": chat_id,
                    "link": link,
                    "updated_at": now,
                }
            },
            upsert=True,
        )

    async def linked_chats(self, tenant: str, sub: str) -> list[dict[str, Any]]:
        cursor = self.chats.find({"tenant": tenant, "link.sub": sub})
        return [doc async for doc in cursor]

    async def unlink_chats(self, tenant: str, sub: str) -> int:
        """Forget the person: their chats lose the link and any half-written appeal."""
        chats = await self.linked_chats(tenant, sub)
        for chat in chats:
            await self.chats.update_one(
                {"_id": chat["_id"]}, {"$unset": {"link": "", "state": "", "state_expires_at": ""}}
            )
        await self.codes.delete_many({"tenant": tenant, "sub": sub})
        return len(chats)

    # ------------------------------------------------------------------ link codes

    async def add_code(self, code: LinkCode, now: datetime) -> None:
        await self.codes.insert_one(
            {
                "_id": code.code,
                "tenant": code.tenant,
                "sub": code.sub,
                "name": code.name,
                "email": code.email,
                "residence": code.residence,
                "created_at": now,
                "expires_at": code.expires_at,
            }
        )

    async def find_code(self, code: str) -> LinkCode | None:
        """Any council's code (the caller tells a code of another council apart)."""
        doc = await self.codes.find_one({"_id": code})
        if doc is None:
            return None
        return LinkCode(
            code=doc["_id"],
            tenant=doc["tenant"],
            sub=doc["sub"],
            name=doc.get("name") or "",
            email=doc.get("email"),
            residence=doc.get("residence"),
            expires_at=doc["expires_at"],
        )

    async def use_code(self, code: LinkCode, chat: str, now: datetime) -> bool:
        """True for the one chat that uses `code` first; a unique `_id` decides."""
        try:
            await self.code_uses.insert_one(
                {
                    "_id": code.code,
                    "tenant": code.tenant,
                    "chat": chat,
                    "used_at": now,
                    "expires_at": code.expires_at,
                }
            )
        except DuplicateKeyError:
            return False
        return True

    # ------------------------------------------------------------------ sweep

    async def delete_expired(self, now: datetime) -> dict[str, int]:
        """What FerretDB's missing TTL index would have removed."""
        gone = {"$lt": now}
        codes = await self.codes.delete_many({"expires_at": gone})
        uses = await self.code_uses.delete_many({"expires_at": gone})
        updates = await self.updates.delete_many({"expires_at": gone})
        states = await self.chats.update_many(
            {"state_expires_at": gone}, {"$unset": {"state": "", "state_expires_at": ""}}
        )
        return {
            "link_codes": codes.deleted_count,
            "link_code_uses": uses.deleted_count,
            "updates": updates.deleted_count,
            "conversations": states.modified_count,
        }
