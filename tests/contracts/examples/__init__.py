"""One module per producing service, each with `EXAMPLES: dict[event type, EventModel]`: a
golden example of every event it publishes (tests/contracts/golden/<type>.json holds its JSON).
A new service adds its own module here; test_golden_events.py collects them all."""

import importlib
import pkgutil

from contracts.envelope import EventModel


def all_examples() -> dict[str, EventModel]:
    merged: dict[str, EventModel] = {}
    for module in pkgutil.iter_modules(__path__):
        examples: dict[str, EventModel] = importlib.import_module(
            f"{__name__}.{module.name}"
        ).EXAMPLES
        clash = set(merged) & set(examples)
        assert not clash, f"event types with two examples: {clash}"
        merged.update(examples)
    return merged
