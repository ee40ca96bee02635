"""Contract fuzzing of every operation the gateway serves (the merged OpenAPI document: the
gateway's own routes and every service's), through the gateway, with schemathesis and every
check on: no server error; status codes, media types and bodies as declared; schema-valid
input accepted and invalid input refused.

One test per service. Its operations are fuzzed as the council's citizen (acr substantial)
and as its staff (tenant admin + official), each once with generated ids and once with the
real records of this run in the path (tests/fuzz/world.py), so the operations are exercised
past "not found". `make test` runs a short derandomized form (HROMADA_FUZZ_EXAMPLES=4 per
operation and pass); `make fuzz` the long one."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fuzz.conftest import COVERAGE, EXAMPLES, GATEWAY_URL, GROUPS, SEED, TOTAL
from tests.fuzz.runner import FuzzFigures, groups_in, naming_any, only_group, run
from tests.fuzz.world import FuzzWorld, wait_until_up

pytestmark = pytest.mark.e2e
# A server-sent event stream never ends; tests/e2e/test_queue_hall.py reads it.
NOT_FUZZED = r"/board/stream$"
# Not findings about the API: the gateway went away (another engineer restarting it on the
# shared stack), or CPython 3.11's parser tripped over itself in a schemathesis worker thread.
RERUN_ON = ("error Network Error", "error Server Unavailable", "error Runtime Error")


def test_the_known_groups_are_all_in_the_document(merged_openapi: dict[str, Any]) -> None:
    assert set(GROUPS) <= set(groups_in(merged_openapi))


def _one_pass(
    http: httpx.Client, document: dict[str, Any], caller: dict[str, str], parameters: dict[str, str]
) -> FuzzFigures:
    """One run; run again (at most twice) after a hiccup that says nothing about the API."""
    for _ in range(3):
        figures = run(
            document,
            base_url=GATEWAY_URL,
            headers=caller,
            parameters=parameters,
            examples=EXAMPLES,
            seed=SEED,
            exclude_path_regex=NOT_FUZZED,
            coverage=COVERAGE,
        )
        if not any(key.startswith(RERUN_ON) for key in figures.failures):
            return figures
        wait_until_up(http)
    return figures


@pytest.mark.parametrize("group", [*GROUPS, "any other"])
def test_operations_keep_their_contract(
    group: str, merged_openapi: dict[str, Any], fuzz_world: FuzzWorld, gateway_http: httpx.Client
) -> None:
    others = [g for g in groups_in(merged_openapi) if g not in GROUPS]
    document = only_group(merged_openapi, *(others if group == "any other" else [group]))
    if not document["paths"]:
        pytest.skip("the document holds no other group")
    figures = FuzzFigures()
    fixed = {"tenant": fuzz_world.tenant, "slug": fuzz_world.tenant}
    with_records = naming_any(document, list(fuzz_world.records))
    for caller in (fuzz_world.citizen, fuzz_world.staff):
        figures.add(_one_pass(gateway_http, document, caller, fixed))
        if with_records["paths"]:
            parameters = {**fixed, **fuzz_world.records}
            figures.add(_one_pass(gateway_http, with_records, caller, parameters))
    TOTAL.add(figures)
    report = "\n".join(f"- {key}\n    {how}" for key, how in sorted(figures.failures.items()))
    assert not figures.failures, f"{len(figures.failures)} failures in {group}:\n{report}"
