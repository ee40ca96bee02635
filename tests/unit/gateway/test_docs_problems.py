"""The merged document declares the problem answers every operation may give (found by
fuzzing: 401/403/404/409/422/429... were undeclared, and Litestar's default 400 described a
JSON body the suite never sends)."""

from __future__ import annotations

from typing import Any

from gateway.docs.merge import merge_openapi
from gateway.docs.problems import PROBLEM_MEDIA_TYPE, problem_statuses, with_problem_responses

LITESTAR_400 = {
    "description": "Bad request syntax or unsupported method",
    "content": {
        "application/json": {"schema": {"type": "object", "description": "Validation Exception"}}
    },
}
OK = {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}


def _op(**extra: Any) -> dict[str, Any]:
    return {"operationId": "x", "responses": {"200": OK, "400": LITESTAR_400}, **extra}


def test_a_read_of_a_record_may_be_refused_but_never_conflicts() -> None:
    statuses = problem_statuses("/api/v1/{tenant}/appeals/{appeal_id}", "get", _op())
    assert {400, 401, 403, 404, 422, 429, 502, 503, 504} <= set(statuses)
    assert 409 not in statuses and 413 not in statuses


def test_a_write_may_conflict_and_be_too_large() -> None:
    statuses = problem_statuses("/api/v1/{tenant}/appeals", "post", _op(requestBody={}))
    assert {409, 413, 415, 422} <= set(statuses)


def test_litestars_default_400_becomes_a_problem_document() -> None:
    operation = with_problem_responses("/api/v1/{tenant}/appeals", "post", _op())
    bad_request = operation["responses"]["400"]
    assert list(bad_request["content"]) == [PROBLEM_MEDIA_TYPE]
    assert operation["responses"]["200"] == OK


def test_a_routes_own_declaration_is_kept_and_a_bare_one_gets_the_problem_body() -> None:
    own = {"description": "Open311 errors", "content": {"application/xml": {"schema": {}}}}
    bare = {"description": "The results are not published yet."}
    operation = with_problem_responses(
        "/api/v1/{tenant}/x/{id}", "get", _op(responses={"200": OK, "401": own, "409": bare})
    )
    assert set(operation["responses"]["401"]["content"]) == {"application/xml", PROBLEM_MEDIA_TYPE}
    assert operation["responses"]["409"]["description"] == bare["description"]
    assert list(operation["responses"]["409"]["content"]) == [PROBLEM_MEDIA_TYPE]


def test_the_merged_document_carries_the_problem_schema() -> None:
    service = {"paths": {"/api/v1/{tenant}/appeals": {"get": _op()}}}
    merged = merge_openapi([("appeals", service)])
    answer = merged["paths"]["/api/v1/{tenant}/appeals"]["get"]["responses"]["404"]
    ref = answer["content"][PROBLEM_MEDIA_TYPE]["schema"]["$ref"]
    assert merged["components"]["schemas"][ref.rsplit("/", 1)[-1]]["required"]
