"""After the matrix (this file runs last: pytest takes files in name order): no log line this run
added under `.stack/logs/` holds a bearer token or any of citizen A's personal values. The
stand-ins of outside parties are not ours to judge: the SMTP sink (a mail server sees its
recipients), the SMS/Telegram sinks and the LiqPay sandbox."""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import A_SECRETS, LOG_DIR, LOG_START

pytestmark = pytest.mark.e2e
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
OUTSIDE_PARTIES = {"smtp.log", "notify_sinks.log", "payments_sandbox.log"}


def _added_lines() -> dict[str, list[str]]:
    added = {}
    for path in sorted(LOG_DIR.glob("*.log")):
        if path.name in OUTSIDE_PARTIES:
            continue
        start = LOG_START.get(path.name, 0)
        with path.open("rb") as log:
            if path.stat().st_size < start:  # rotated or restarted: read it all
                start = 0
            log.seek(start)
            added[path.name] = log.read().decode("utf-8", "replace").splitlines()
    return added


def test_no_token_or_personal_value_reached_a_log() -> None:
    assert LOG_START, "the log positions were not taken at the start of the run"
    found = []
    for name, lines in _added_lines().items():
        for line in lines:
            if JWT.search(line):
                found.append(f"{name}: a bearer token: {JWT.sub('eyJ…', line)[:300]}")
            for secret in A_SECRETS:
                if secret in line:
                    found.append(f"{name}: {secret!r} in {line[:300]}")
    assert not found, "\n".join(found[:40])
