"""What a count means for a collecting petition: milestones (25/50/75 %) and the outcome of
the collection (threshold reached, or the deadline passed below it). Each fires exactly once.

Exactly once without transactions: each is a marker document with a deterministic `_id`
(`{tenant}:{petition}:milestone:50`, `{tenant}:{petition}:outcome`) that carries its events in
its outbox. The insert IS the decision: a duplicate-key error means another replica, a retry
or an earlier round fired it already. The outcome has one marker for both endings, so a
petition can never be both supported and not supported; whoever inserted it first decides,
and the petition's status is then moved to match (again and again until it is, so a crash
between the two writes is repaired by the next round or the leader's sweep).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from chassis.calendar import add_working_days
from chassis.logging import get_logger
from services.petitions import events
from services.petitions.domain.model import (
    COLLECTING,
    NOT_SUPPORTED,
    UNDER_CONSIDERATION,
    Petition,
    pass_deadline,
    reach_threshold,
)
from services.petitions.domain.rules import RESPONSE_WORKING_DAYS, milestones_reached
from services.petitions.repository import PetitionRepository
from services.petitions.tenant_settings import CouncilPolicies

log = get_logger("petitions.outcomes")
MARKERS = "petition_markers"
THRESHOLD = "threshold"
DEADLINE = "deadline"


def milestone_marker_id(tenant: str, petition_id: str, percent: int) -> str:
    return f"{tenant}:{petition_id}:milestone:{percent}"


def outcome_marker_id(tenant: str, petition_id: str) -> str:
    return f"{tenant}:{petition_id}:outcome"


class Outcomes:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        petitions: PetitionRepository,
        policies: CouncilPolicies,
        on_marker_stored: Callable[[str], None] = lambda marker_id: None,
    ) -> None:
        self.markers = db[MARKERS]
        self.petitions = petitions
        self.policies = policies
        self.on_marker_stored = on_marker_stored
        self._fired: set[str] = set()  # markers known to exist: no insert attempt needed

    async def after_count(self, petition: Petition, count: int, now: datetime) -> None:
        """Fire the milestones the count reached, and the outcome at the threshold."""
        if petition.status != COLLECTING or petition.threshold is None:
            return
        reached = milestones_reached(count, petition.threshold)
        for percent in reached:
            if percent < 100:
                await self._fire_milestone(petition, percent, count, now)
        if 100 in reached:
            await self._decide(petition, count, now, THRESHOLD)

    async def after_deadline(self, petition: Petition, count: int, now: datetime) -> None:
        """The collection period is over: supported if the threshold was met in time."""
        if petition.status != COLLECTING or petition.threshold is None:
            return
        if count >= petition.threshold:
            await self.after_count(petition, count, now)
        else:
            await self._decide(petition, count, now, DEADLINE)

    async def _fire_milestone(
        self, petition: Petition, percent: int, count: int, now: datetime
    ) -> None:
        marker_id = milestone_marker_id(petition.tenant, petition.id, percent)
        if marker_id in self._fired:
            return
        event = events.milestone(
            dataclasses.replace(petition, signature_count=count), percent, count, now
        )
        marker = self._marker(marker_id, petition, "milestone", now, count, [event])
        try:
            await self.markers.insert_one({**marker, "percent": percent})
            self.on_marker_stored(marker_id)
            log.info("petition.milestone_reached", petition_id=petition.id, percent=percent)
        except DuplicateKeyError:
            pass  # fired before (another replica, an earlier round)
        self._fired.add(marker_id)

    async def _decide(self, petition: Petition, count: int, now: datetime, kind: str) -> None:
        marker_id = outcome_marker_id(petition.tenant, petition.id)
        marker = (
            await self.markers.find_one({"_id": marker_id}) if marker_id in self._fired else None
        )
        if marker is None:
            marker = await self._insert_outcome(marker_id, petition, count, now, kind)
        self._fired.add(marker_id)
        # Move the petition to the outcome that was decided (it may be another round's).
        at = marker["at"]
        if marker["kind"] == THRESHOLD:
            changes = reach_threshold(petition, at, marker["response_due_at"])
        else:
            changes = pass_deadline(petition, at)
        await self.petitions.apply(petition.id, COLLECTING, changes, [])

    async def _insert_outcome(
        self, marker_id: str, petition: Petition, count: int, now: datetime, kind: str
    ) -> dict[str, Any]:
        if kind == THRESHOLD:
            policy = await self.policies.get(petition.tenant)
            due = add_working_days(now, RESPONSE_WORKING_DAYS, policy.timezone, policy.holidays)
            after = dataclasses.replace(
                petition, status=UNDER_CONSIDERATION, signature_count=count, response_due_at=due
            )
            announced = [
                events.milestone(after, 100, count, now),
                events.threshold_reached(after, count, now, due),
            ]
            marker = self._marker(marker_id, petition, kind, now, count, announced)
            marker["response_due_at"] = due
        else:
            after = dataclasses.replace(petition, status=NOT_SUPPORTED, signature_count=count)
            marker = self._marker(
                marker_id, petition, kind, now, count, [events.deadline_passed(after, count, now)]
            )
        try:
            await self.markers.insert_one(marker)
        except DuplicateKeyError:
            existing = await self.markers.find_one({"_id": marker_id})
            assert existing is not None  # markers are never deleted
            return existing
        self.on_marker_stored(marker_id)
        log.info("petition.collection_decided", petition_id=petition.id, outcome=kind, count=count)
        return marker

    @staticmethod
    def _marker(
        marker_id: str,
        petition: Petition,
        kind: str,
        now: datetime,
        count: int,
        announced: list[Any],
    ) -> dict[str, Any]:
        return {
            "_id": marker_id,
            "tenant": petition.tenant,
            "petition_id": petition.id,
            "kind": kind,
            "at": now,
            "count": count,
            "outbox": [events.to_outbox(petition, e) for e in announced],
        }
