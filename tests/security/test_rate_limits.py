"""The per-user limit on sensitive writes answers 429 with Retry-After. A council of this run
allows 5 sensitive writes a minute; 11 payment intents in a row cross it whatever the minute's
boundary does (at most two windows), and the refusal is a problem with a usable Retry-After."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from tests.security.conftest import RUN, bearer
from tests.stack import Gateway

pytestmark = pytest.mark.e2e
LIMIT = 5


@pytest.fixture(scope="module")
def council(gateway: Gateway) -> Iterator[str]:
    slug = f"sec-rl-{RUN[:8]}"
    admin = bearer(gateway, sub=f"sec-platform-{RUN}", roles=["platform_admin"])
    body = {
        "slug": slug,
        "name": {"uk": "Громада з обмеженнями", "en": "Rate-limited council"},
        "settings": {"rate_limits": {"sensitive_writes_per_minute": LIMIT}},
    }
    answer = gateway.http.post("/api/v1/platform/tenants", json=body, headers=admin)
    assert answer.status_code == 201, answer.text
    deadline = time.monotonic() + 30  # the gateway's tenant cache may need a moment
    while gateway.http.get(f"/api/v1/{slug}/open-data").status_code == 404:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    yield slug
    path = f"/api/v1/platform/tenants/{slug}"
    retired = gateway.http.patch(path, json={"active": False}, headers=admin)
    assert retired.status_code == 200, retired.text


def test_the_sensitive_write_limit_answers_429_with_retry_after(
    gateway: Gateway, council: str
) -> None:
    citizen = bearer(
        gateway, sub=f"sec-rl-{uuid.uuid4().hex[:8]}", name="Швидкий", roles=["citizen"]
    )
    answers = [
        gateway.http.post(
            f"/api/v1/{council}/payments",
            json={"purpose": "service", "reference": "no-such-service"},
            headers={**citizen, "Idempotency-Key": uuid.uuid4().hex},
        )
        for _ in range(2 * LIMIT + 1)
    ]
    codes = [a.status_code for a in answers]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, codes
    assert codes.count(429) <= LIMIT + 1, codes  # only the excess of a window is refused
    first = refused[0]
    assert first.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(first.headers["retry-after"]) <= 60
    assert "Too many requests" in first.json()["detail"]
    # Reads are another budget: the same citizen still reads at once.
    read = gateway.http.get(f"/api/v1/{council}/payments", headers=citizen)
    assert read.status_code == 200, read.text
