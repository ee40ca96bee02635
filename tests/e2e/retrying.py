"""Requests through the gateway that ride out what other people do to the shared stack: a
component being restarted (503/502 or a refused connection) and a rate-limit budget spent by
someone else's test on the same council (429 with Retry-After)."""

from __future__ import annotations

import time
from typing import Any

import httpx

from tests.stack import Gateway

RETRY_STATUSES = (429, 502, 503)
PATIENCE_S = 90.0


def _pause(response: httpx.Response | None) -> float:
    retry_after = response.headers.get("retry-after", "") if response is not None else ""
    return min(float(retry_after), 10.0) if retry_after.isdigit() else 0.5


def send(gateway: Gateway, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request, repeated while the answer says "not now" (for at most PATIENCE_S)."""
    deadline = time.monotonic() + PATIENCE_S
    while True:
        response: httpx.Response | None = None
        try:
            response = gateway.http.request(method, path, **kwargs)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        else:
            if response.status_code not in RETRY_STATUSES or time.monotonic() > deadline:
                return response
        time.sleep(_pause(response))
