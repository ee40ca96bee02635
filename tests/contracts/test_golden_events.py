"""Golden JSON of every event: a change that alters the wire shape fails here, and must be a
new versioned type instead. The examples live in tests/contracts/examples/<service>.py."""

import json
from pathlib import Path

import pytest

from contracts.appeals import AppealRegistered
from contracts.envelope import EventEnvelope, event_type_registry
from tests.contracts.examples import all_examples

GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = all_examples()


def test_every_registered_event_has_a_golden_example() -> None:
    assert set(event_type_registry()) == set(EXAMPLES)


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_event_matches_golden_json(event_type: str) -> None:
    golden = json.loads((GOLDEN / f"{event_type}.json").read_text(encoding="utf-8"))
    assert EXAMPLES[event_type].model_dump(mode="json") == golden


@pytest.mark.parametrize("event_type", sorted(EXAMPLES))
def test_event_ignores_unknown_fields_from_newer_producers(event_type: str) -> None:
    golden = json.loads((GOLDEN / f"{event_type}.json").read_text(encoding="utf-8"))
    model = event_type_registry()[event_type]
    parsed = model.model_validate({**golden, "added_in_a_later_minor": True})
    assert parsed == EXAMPLES[event_type]


def test_envelope_key_keeps_one_aggregate_in_order() -> None:
    envelope = EventEnvelope.wrap(
        EXAMPLES[AppealRegistered.event_type],
        source="/hromada/appeals",
        subject="a-1",
        tenant="uzhhorod",
    )
    assert envelope.key == "uzhhorod:a-1"
    assert envelope.type == "appeals.appeal.registered.v1"
    roundtrip = EventEnvelope.model_validate_json(envelope.model_dump_json())
    assert roundtrip.payload(AppealRegistered) == EXAMPLES[AppealRegistered.event_type]
