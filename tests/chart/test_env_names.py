"""Every HROMADA_* variable the chart sets and docs/operations.md names is one the code reads:
a field of a settings class under its component's prefix, or the shared HROMADA_ prefix."""

from __future__ import annotations

import importlib
import re

import pytest
from pydantic_settings import BaseSettings

from chassis.settings import ServiceSettings
from hromada_cli.init import COMPONENTS
from tests.chart.render import PRODUCTION_VALUES, REPO, containers, of_kind, render

# Read by something other than a settings class: the CLI (`hromada tenant ...`) and the
# image's start command.
NOT_SETTINGS = {"HROMADA_GATEWAY_URL", "HROMADA_TOKEN", "HROMADA_SERVICE"}
NAME = re.compile(r"\bHROMADA_[A-Z0-9_]*[A-Z0-9]\b")


# Components outside `hromada init` (they keep no schema of their own to prepare).
FRONTENDS = {"web": ("web.settings", "WebSettings"), "bot": ("bot.settings", "BotSettings")}


def settings_classes() -> dict[str, type[BaseSettings]]:
    places = {name: (c.settings_module, c.settings_class) for name, c in COMPONENTS.items()}
    return {
        name: getattr(importlib.import_module(module), cls)
        for name, (module, cls) in (places | FRONTENDS).items()
    }


def known_names() -> set[str]:
    names = {f"HROMADA_{field.upper()}" for field in ServiceSettings.model_fields}
    for component, cls in settings_classes().items():
        names |= {f"HROMADA_{component.upper()}_{field.upper()}" for field in cls.model_fields}
    return names | NOT_SETTINGS


def test_the_list_of_settings_is_not_empty_and_spots_a_made_up_name() -> None:
    known = known_names()
    assert {"HROMADA_MONGO_URL", "HROMADA_BUDGET_VOTER_KEY_SECRET"} <= known
    assert "HROMADA_KAFKA_PASSWORD" not in known  # the real one is ..._SASL_PASSWORD


def test_every_variable_the_guide_names_exists() -> None:
    named = set(NAME.findall((REPO / "docs" / "operations.md").read_text()))
    assert named, "the guide names no variable at all"
    assert sorted(named - known_names()) == []


@pytest.mark.parametrize("values", [(), (PRODUCTION_VALUES,)], ids=["default", "production"])
def test_every_variable_the_chart_sets_exists(values: tuple) -> None:
    docs = render(*values)
    named = {key for cm in of_kind(docs, "ConfigMap") for key in cm.get("data", {})}
    named |= {e["name"] for _, _, c in containers(docs) for e in c.get("env", [])}
    assert sorted(named - known_names()) == []
