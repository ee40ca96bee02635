"""An appeals repository on a database of its own (dropped afterwards), on the real FerretDB."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.appeals.repository import AppealRepository
from services.appeals.settings import AppealsSettings


@pytest.fixture
async def repo() -> AsyncIterator[AppealRepository]:
    settings = AppealsSettings()
    mongo: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url, tz_aware=True)
    db = mongo[f"test_appeals_{uuid.uuid4().hex[:8]}"]
    repository = AppealRepository(db)
    await repository.ensure_indexes()
    yield repository
    await mongo.drop_database(db.name)
    await mongo.close()
