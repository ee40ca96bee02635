"""`hromada init`: which topics a component needs, worked out without any server."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import Result

from hromada_cli.init import COMPONENTS, build_app, missing, topics_of_app, topics_of_spec


def test_a_received_topic_gets_its_dead_letter_topic_and_a_sent_one_does_not() -> None:
    spec = {
        "channels": {
            "in": {"address": "hromada.platform.tenant"},
            "out": {"address": "hromada.appeals.appeal"},
        },
        "operations": {
            "a": {"action": "receive", "channel": {"$ref": "#/channels/in"}},
            "b": {"action": "send", "channel": {"$ref": "#/channels/out"}},
            "c": {"action": "send", "channel": {"$ref": "#/channels/out"}},
        },
    }
    assert topics_of_spec(spec) == [
        "hromada.appeals.appeal",
        "hromada.platform.tenant",
        "hromada.platform.tenant.dlq",
    ]


def test_a_spec_without_operations_needs_no_topic() -> None:
    assert topics_of_spec({"channels": {}}) == []


def test_only_absent_topics_are_created_in_the_wanted_order() -> None:
    assert missing(["c", "a", "b"], ["a", "x"]) == ["c", "b"]
    assert missing(["a"], ["a"]) == []


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ("appeals", {"hromada.appeals.appeal", "hromada.platform.tenant.dlq"}),
        ("gateway", {"hromada.platform.tenant"}),
        ("queue", {"hromada.queue.booking", "hromada.queue.hall", "hromada.payments.payment.dlq"}),
        ("payments", {"hromada.payments.payment", "hromada.queue.booking.dlq"}),
        ("notify", {"hromada.appeals.appeal.dlq", "hromada.queue.booking.dlq"}),
    ],
)
def test_topics_come_from_the_components_own_broker(
    component: str, expected: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # prod: building the gateway must not read or create a dev signing key.
    monkeypatch.setenv("HROMADA_ENV", "prod")
    _, app = build_app(component)  # builds, connects nothing
    topics = topics_of_app(app, component)
    assert expected <= set(topics)
    assert topics == sorted(set(topics))


def test_every_component_of_the_chart_is_known() -> None:
    assert set(COMPONENTS) == {
        "gateway",
        "appeals",
        "petitions",
        "budget",
        "queue",
        "payments",
        "notify",
    }


def test_an_unknown_component_is_refused_before_anything_connects(
    hromada: Callable[..., Result],
) -> None:
    result = hromada("init", "--service", "nosuch")
    assert result.exit_code == 2
    assert "nosuch" in result.output
