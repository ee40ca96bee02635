"""Budget phases on the real stack: actions only in their phase, advancing by hand only
forwards, a wartime pause that freezes everything and a resume, and phases that follow their
dates with the phase job announcing them on Kafka."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.retrying import send
from tests.e2e.test_budget_helpers import (
    TENANT,
    admin_of,
    advance,
    assert_problem,
    create_cycle,
    cycle_body,
    cycle_events,
    cycle_in_voting,
    cycle_phase_events,
    future_phases,
    submit,
    vote,
    voter,
)
from tests.stack import Gateway, wait_for

pytestmark = pytest.mark.e2e


def test_phase_rules_and_a_wartime_pause(gateway: Gateway) -> None:
    cycle_id, (project_id,) = cycle_in_voting(gateway, 1)
    base = f"/api/v1/{TENANT}/budget/cycles/{cycle_id}"
    assert_problem(submit(gateway, cycle_id, voter(gateway), 100), 409, "voting")
    admin = admin_of(gateway)
    paused = send(gateway, "POST", f"{base}/pause", headers=admin)
    assert paused.status_code == 200 and paused.json()["paused"] is True
    assert_problem(vote(gateway, cycle_id, project_id, voter(gateway)), 409, "paused")
    assert_problem(send(gateway, "POST", f"{base}/pause", headers=admin), 409, "already paused")
    assert_problem(
        send(gateway, "POST", f"{base}/phase", json={"phase": "results"}, headers=admin),
        409,
        "paused",
    )
    resumed = send(gateway, "POST", f"{base}/resume", headers=admin)
    assert resumed.status_code == 200 and resumed.json()["open"]["vote"] is True
    assert vote(gateway, cycle_id, project_id, voter(gateway)).status_code == 201
    assert_problem(
        send(gateway, "POST", f"{base}/phase", json={"phase": "support"}, headers=admin),
        409,
        "only advance",
    )
    advance(gateway, cycle_id, "results")
    assert_problem(vote(gateway, cycle_id, project_id, voter(gateway)), 409, "results")
    events = cycle_events(cycle_id, {"budget.cycle.paused.v1", "budget.cycle.resumed.v1"})
    assert events["budget.cycle.paused.v1"]["data"]["phase"] == "voting"

    citizen = voter(gateway)
    refused = send(
        gateway, "POST", f"/api/v1/{TENANT}/budget/cycles", json=cycle_body(), headers=citizen
    )
    assert_problem(refused, 403)
    bad = cycle_body(phases={**future_phases(), "voting": future_phases()["submission"]})
    invalid = send(gateway, "POST", f"/api/v1/{TENANT}/budget/cycles", json=bad, headers=admin)
    assert_problem(invalid, 422)
    assert "phases.voting" in [e["field"] for e in invalid.json()["errors"]]


def test_phases_advance_on_their_dates_and_are_announced(gateway: Gateway) -> None:
    now = datetime.now(UTC)
    phases = future_phases()
    phases["submission"] = [
        (now - timedelta(days=1)).isoformat(),
        (now + timedelta(seconds=3)).isoformat(),
    ]
    phases["support"] = [(now + timedelta(seconds=3)).isoformat(), phases["support"][1]]
    cycle_id = create_cycle(gateway, phases=phases)["id"]
    path = f"/api/v1/{TENANT}/budget/cycles/{cycle_id}"

    def in_support() -> bool:
        cycle = send(gateway, "GET", path).json()
        return cycle["phase"] == "support" and cycle["open"]["support"] is True

    wait_for(in_support, timeout_s=30, what="the support phase by its start date")
    # The phase job (a leader, every few seconds) announces what the dates did.
    announced = cycle_events(cycle_id, {"budget.cycle.phase_changed.v1"}, timeout_s=5)
    first = announced["budget.cycle.phase_changed.v1"]["data"]
    assert (first["previous_phase"], first["phase"]) == ("scheduled", "submission")

    def support_announced() -> bool:
        found = cycle_phase_events(cycle_id)
        return "support" in found

    wait_for(support_announced, timeout_s=90, interval_s=2, what="phase_changed to support")
