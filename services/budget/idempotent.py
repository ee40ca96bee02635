"""Creating POSTs accept `Idempotency-Key` (DESIGN.md): the first answer is stored and a retry
with the same key and body replays it (`Idempotent-Replayed: true`) instead of creating twice.
Votes need no key: a replayed vote is refused by its own unique key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Response

from chassis.auth import Principal
from chassis.idempotency import IdempotencyStore, StoredResponse


async def run_once(
    store: IdempotencyStore,
    tenant: str,
    principal: Principal,
    key: str | None,
    body: Any,
    create: Callable[[], Awaitable[StoredResponse]],
) -> Response[Any]:
    response, replayed = await store.run(
        tenant=tenant,
        caller=principal.sub,
        key=key,
        payload=msgspec.to_builtins(body),
        create=create,
    )
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return Response(response.body, status_code=response.status, headers=headers)
