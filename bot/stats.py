"""The bot's figures for the council's staff and the regional dashboard: how many chats talk
to the council's bot and how many are linked to a resident. (The dashboard asks per council: no
all-councils route, the counts are two indexed counts each.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, get

from bot.repository import BotRepository
from chassis.auth import Principal
from chassis.guards import require_staff_of_or_platform_admin


class BotStatsController(Controller):
    path = "/api/v1/{tenant:str}/bot/stats"
    tags = ["stats"]

    @get("/", operation_id="get_bot_stats")
    async def get_bot_stats(
        self, tenant: str, principal: Principal, bot_repository: BotRepository
    ) -> dict[str, Any]:
        """`{"chats", "linked_chats"}` of this council's bot: its staff and platform admins."""
        require_staff_of_or_platform_admin(principal, tenant)
        chats = bot_repository.chats
        return {
            "tenant": tenant,
            "as_of": datetime.now(UTC),
            "chats": await chats.count_documents({"tenant": tenant}),
            "linked_chats": await chats.count_documents(
                {"tenant": tenant, "link.sub": {"$exists": True}}
            ),
        }
