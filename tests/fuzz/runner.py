"""One schemathesis run (its engine, as `st run` drives it) over part of the merged OpenAPI
document, sent through the gateway as one caller, with every check on; the events are read
into figures and a list of distinct failures with a curl line to reproduce each."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.engine import Status, events
from schemathesis.engine import from_schema as engine_for

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# Every check schemathesis has is on, except these; each needs a reason that is not "to make
# the run pass".
SWITCHED_OFF: dict[str, str] = {
    # Need a stateful API model (links between operations) that the documents do not carry.
    "use_after_free": "needs OpenAPI links (stateful testing is off)",
    "ensure_resource_availability": "needs OpenAPI links (stateful testing is off)",
    # Litestar 2.25 builds a path's automatic OPTIONS answer from the first handler registered
    # on it, so `Allow` lists only that handler's methods (reported; a chassis-level fix).
    "allow_header_conformance": "Litestar 2.25 OPTIONS `Allow` bug, outside the services",
}
# Schema-valid input may still break a domain rule the schema cannot say (a text that is only
# spaces, "an email or a phone", a category code that does not exist, an unknown field that
# msgspec refuses): 422 naming the field is the designed answer. A 400 is still a failure.
VALID_INPUT_ANSWERS = ["2XX", "3XX", "401", "403", "404", "409", "422", "429", "5XX"]
# 400 is by design for these: Open311 GeoReport v2 answers every refused request with 400 (its
# spec), and a payment provider's callback with a forged or missing signature gets 400 (the
# provider protocol; a random schema-valid callback is unsigned by nature).
ANSWER_400_BY_DESIGN = r"/open311/v2/|/payments/callbacks/"
# Litestar converts request values leniently (`strict=False`: 0/1 and "true" for a boolean, "7"
# for a number), so such a value of the wrong JSON type is taken, not refused. Kept apart from
# the failures and counted in the summary; a framework setting, reported, not a route's bug.
LENIENT_COERCION = "Incorrect type"


@dataclass
class FuzzFigures:
    operations: set[str] = field(default_factory=set)
    examples: int = 0
    requests: int = 0
    server_errors: int = 0
    failures: dict[str, str] = field(default_factory=dict)  # "code title @ op" -> reproduction
    tolerated: dict[str, str] = field(default_factory=dict)  # lenient coercion, see above

    def add(self, other: FuzzFigures) -> None:
        self.operations |= other.operations
        self.examples += other.examples
        self.requests += other.requests
        self.server_errors += other.server_errors
        self.failures.update(other.failures)
        self.tolerated.update(other.tolerated)

    def by_check(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for key in self.failures:
            check = key.split(" @ ")[0]
            counts[check] = counts.get(check, 0) + 1
        return counts


def group_of(operation: dict[str, Any]) -> str:
    """`appeals: staff workflow` -> `appeals`; `gateway: platform` -> `gateway`."""
    tags = operation.get("tags") or ["untagged"]
    return str(tags[0]).split(":")[0].strip()


def only_group(document: dict[str, Any], *groups: str) -> dict[str, Any]:
    """The document with only the operations of these groups (components kept whole)."""
    kept = copy.deepcopy(document)
    paths: dict[str, Any] = {}
    for path, item in document["paths"].items():
        ops = {m: op for m, op in item.items() if m in HTTP_METHODS and group_of(op) in groups}
        if ops:
            others = {k: v for k, v in item.items() if k not in HTTP_METHODS}
            paths[path] = {**copy.deepcopy(others), **copy.deepcopy(ops)}
    kept["paths"] = paths
    return kept


def naming_any(document: dict[str, Any], parameters: list[str]) -> dict[str, Any]:
    """The document with only the paths that name one of these path parameters."""
    marks = [f"{{{name}}}" for name in parameters]
    paths = {p: item for p, item in document["paths"].items() if any(m in p for m in marks)}
    return {**document, "paths": paths}


def groups_in(document: dict[str, Any]) -> list[str]:
    found = {
        group_of(op)
        for item in document["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    }
    return sorted(found)


def run(
    document: dict[str, Any],
    *,
    base_url: str,
    headers: dict[str, str],
    parameters: dict[str, str],
    examples: int,
    seed: int,
    exclude_path_regex: str,
    coverage: bool,
) -> FuzzFigures:
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            "cache": {"enabled": False},  # nothing written into the checkout
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "base-url": base_url,
            "headers": headers,
            "workers": 2,
            "request-timeout": 30,
            "parameters": parameters,
            "generation": {
                "mode": "all",
                "max-examples": examples,
                "deterministic": True,
                "database": "none",
            },
            # The coverage phase (boundary values of every parameter) is the long part: `make
            # fuzz` runs it, the short form in `make test` does not.
            "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": coverage}},
            "checks": {
                **{name: {"enabled": False} for name in SWITCHED_OFF},
                "positive_data_acceptance": {"expected-statuses": VALID_INPUT_ANSWERS},
            },
            "operations": [
                {
                    "include-path-regex": ANSWER_400_BY_DESIGN,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": [*VALID_INPUT_ANSWERS, "400"]
                        }
                    },
                }
            ],
        }
    )
    schema = schemathesis.openapi.from_dict(document, config=config)
    schema = schema.exclude(path_regex=exclude_path_regex)
    figures = FuzzFigures()
    for event in engine_for(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            _read(event.recorder, figures)
        elif isinstance(event, events.NonFatalError):
            figures.failures[f"error {event.info.title} @ {event.label}"] = event.info.message
        elif isinstance(event, events.FatalError):
            raise event.exception
    return figures


def _read(recorder: Any, figures: FuzzFigures) -> None:
    figures.operations.add(recorder.label)
    figures.examples += len(recorder.cases)
    for interaction in recorder.interactions.values():
        figures.requests += 1
        if interaction.response is not None and interaction.response.status_code >= 500:
            figures.server_errors += 1
    for checks in recorder.checks.values():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            key = f"{failure.code} {failure.title} @ {recorder.label}"
            if failure.code == "ST201" and LENIENT_COERCION in failure.message:
                figures.tolerated.setdefault(key, failure.message)
                continue
            figures.failures.setdefault(
                key, f"{failure.message}\n    {check.failure_info.code_sample}"
            )
