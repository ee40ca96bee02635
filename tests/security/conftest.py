"""Fixtures of the security matrix: the running gateway, the people of this run (citizen A, the
owner of every record; another citizen of the same council; staff of another council), and
where each log file stood when the run began, so the last test reads only what this run
wrote. Council T1 is `chernivtsi` (it has an ASC catalogue for bookings and fees), T2 is
`uzhhorod`."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from tests.stack import ROOT, Gateway, stack_status

T1, T2 = "chernivtsi", "uzhhorod"
RUN = uuid.uuid4().hex[:10]
LOG_DIR = ROOT / ".stack" / "logs"
# Every personal value of citizen A: none may reach another caller or any log line.
A_SUB = f"sec-owner-{RUN}"
A_NAME = f"Оксана Секретна-{RUN}"
A_EMAIL = f"oksana.{RUN}@example.ua"
A_PHONE = f"+38050{int(RUN[:7], 16) % 10_000_000:07d}"
A_ADDRESS = f"м. Чернівці, вул. Потаємна, {RUN}"
A_SECRETS = (A_SUB, A_NAME, A_EMAIL, A_PHONE, A_ADDRESS)
LOG_START: dict[str, int] = {}


def pytest_sessionstart(session: Any) -> None:
    """Where every log stands now: the log scan reads only what this run adds."""
    for path in LOG_DIR.glob("*.log"):
        LOG_START[path.name] = path.stat().st_size


@pytest.fixture(scope="session")
def gateway() -> Gateway:
    """The gateway, once healthy: another engineer may be restarting it on the shared stack."""
    deadline = time.monotonic() + 120
    while not (status := stack_status()).get("gateway", {}).get("healthy"):
        if time.monotonic() > deadline:
            pytest.fail("the gateway is not healthy; run `make up`")
        time.sleep(2)
    return Gateway(status["gateway"]["url"])


def bearer(gateway: Gateway, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {gateway.token(**claims)}"}


@pytest.fixture(scope="session")
def owner(gateway: Gateway) -> dict[str, str]:
    """Citizen A of T1, who owns every record the matrix tries."""
    return bearer(
        gateway,
        sub=A_SUB,
        name=A_NAME,
        email=A_EMAIL,
        roles=["citizen"],
        acr="substantial",
        birthdate="1990-05-05",
        residence=T1,
    )


def other_citizen(gateway: Gateway, label: str) -> dict[str, str]:
    """Another citizen of T1; one per resource, so the per-user write limit never bites."""
    return bearer(
        gateway,
        sub=f"sec-other-{label}-{RUN}",
        name="Петро Сторонній",
        roles=["citizen"],
        acr="substantial",
        birthdate="1985-01-01",
        residence=T1,
    )


@pytest.fixture(scope="session")
def staff_t1(gateway: Gateway) -> dict[str, str]:
    return bearer(
        gateway,
        sub=f"sec-staff-t1-{RUN}",
        name="Посадовець Т1",
        roles=["tenant_admin", "official"],
        tenant=T1,
    )


@pytest.fixture(scope="session")
def staff_t2(gateway: Gateway) -> dict[str, str]:
    """Council T2's administrator and official: no rights whatever in T1."""
    return bearer(
        gateway,
        sub=f"sec-staff-t2-{RUN}",
        name="Посадовець Т2",
        roles=["tenant_admin", "official"],
        tenant=T2,
    )


def direct(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """A request straight to a service, riding out its restart by another engineer."""
    deadline = time.monotonic() + 90
    while True:
        try:
            response = httpx.request(method, url, timeout=30, **kwargs)
            if response.status_code not in (502, 503) or time.monotonic() > deadline:
                return response
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(1)


def created(response: Any, what: str) -> dict[str, Any]:
    assert response.status_code in (200, 201), f"creating {what}: {response.text[:400]}"
    return dict(response.json())


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.security.test_object_access import summary_lines

    for line in summary_lines():
        terminalreporter.write_line(line)
