"""The bot's periodic job, run by one leader across replicas: delete what has expired
(FerretDB has no TTL index) and handle updates a stopped process took in but never handled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import structlog

from bot.repository import BotRepository
from bot.use_cases import BotUseCases
from chassis.lease import LeaderLease, run_as_leader

log = structlog.get_logger("bot.sweeper")

UNFINISHED_AFTER = timedelta(seconds=30)


class Sweeper:
    def __init__(
        self,
        repository: BotRepository,
        use_cases: BotUseCases,
        lease: LeaderLease,
        interval_s: float,
        clock: Callable[[], datetime],
    ) -> None:
        self.repository = repository
        self.use_cases = use_cases
        self.lease = lease
        self.interval_s = interval_s
        self.clock = clock

    async def sweep(self) -> None:
        removed = await self.repository.delete_expired(self.clock())
        resumed = await self.use_cases.handle_unfinished(UNFINISHED_AFTER)
        if any(removed.values()) or resumed:
            log.info("bot.swept", resumed_updates=resumed, **removed)

    async def run(self) -> None:
        await run_as_leader(self.lease, self.interval_s, self.sweep, "bot-sweeper")
