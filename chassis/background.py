"""Helpers for long-running background loops (relays, workers, start-up retries)."""

from __future__ import annotations

import asyncio


def cancelling() -> bool:
    """True once the current task was asked to stop.

    Loops that catch `Exception` to keep going check this: a driver may turn the task's
    cancellation into an error of its own, and the loop must not retry past a shutdown.
    """
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
