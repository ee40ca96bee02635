"""Regression tests for what contract fuzzing (tests/fuzz) found, through the gateway: each was
a real defect of a service or of the API document."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.retrying import send
from tests.stack import Gateway, assert_problem

pytestmark = pytest.mark.e2e
TENANT = "uzhhorod"


def test_a_body_field_named_like_a_dependency_is_a_422_not_a_500(gateway: Gateway) -> None:
    """notify's preferences have an `inbox` field and the app had an `inbox` dependency:
    Litestar took the field's type error for a failed dependency and answered 500."""
    citizen = gateway.citizen(f"fuzz-regress-{uuid.uuid4().hex[:8]}")
    path = f"/api/v1/{TENANT}/notify/preferences"
    answer = send(gateway, "PUT", path, json={"inbox": {}}, headers=citizen)
    assert_problem(answer, 422, "inbox")
    # The inbox itself (the renamed dependency) still works.
    assert (
        send(gateway, "GET", f"/api/v1/{TENANT}/notify/inbox", headers=citizen).status_code == 200
    )


@pytest.mark.parametrize(
    "path",
    [
        "appeals/open-data/appeals-by-month.csv",
        "petitions/open-data/petitions.csv",
        "budget/open-data/budget-projects.csv",
    ],
)
def test_csv_is_declared_and_sent_as_csv_with_one_charset(gateway: Gateway, path: str) -> None:
    answer = send(gateway, "GET", f"/api/v1/{TENANT}/{path}")
    assert answer.status_code == 200
    assert (
        answer.headers["content-type"] == "text/csv; charset=utf-8"
    )  # was "...; charset=utf-8" twice
    document = send(gateway, "GET", "/docs/openapi.json").json()
    declared = document["paths"][f"/api/v1/{{tenant}}/{path}"]["get"]["responses"]["200"]
    assert list(declared["content"]) == ["text/csv"]


def test_a_foreign_payments_cursor_is_a_422_naming_it(gateway: Gateway) -> None:
    citizen = gateway.citizen(f"fuzz-regress-{uuid.uuid4().hex[:8]}")
    answer = send(
        gateway, "GET", f"/api/v1/{TENANT}/payments", params={"cursor": "0" * 40}, headers=citizen
    )
    assert_problem(answer, 422, "cursor")


def test_the_document_says_what_open311_and_uploads_really_take_and_give(gateway: Gateway) -> None:
    paths = send(gateway, "GET", "/docs/openapi.json").json()["paths"]
    base = "/api/v1/{tenant}"
    xml = paths[f"{base}/open311/v2/services.xml"]["get"]["responses"]
    assert list(xml["200"]["content"]) == ["application/xml"]
    assert "application/problem+json" in xml["401"]["content"]  # the gateway's own 401
    by_file = paths[f"{base}/open311/v2/requests/{{request_file}}"]["get"]["responses"]["200"]
    assert set(by_file["content"]) == {"application/json", "application/xml"}
    filing = paths[f"{base}/open311/v2/requests.json"]["post"]["requestBody"]
    assert filing["required"] and "application/x-www-form-urlencoded" in filing["content"]
    upload = paths[f"{base}/appeals/{{appeal_id}}/attachments"]["post"]["requestBody"]
    assert upload["content"]["multipart/form-data"]["schema"]["required"] == ["file"]
    payment = paths[f"{base}/payments"]["post"]["parameters"]
    assert [p["required"] for p in payment if p["name"] == "Idempotency-Key"] == [True]
    results = paths[f"{base}/budget/cycles/{{cycle_id}}/results"]["get"]["responses"]
    assert "409" in results  # before publication, to everyone but staff


def test_every_error_answer_of_the_document_is_a_problem_document(gateway: Gateway) -> None:
    """Litestar wrote `{status_code, detail, extra}` JSON as every route's 400; the suite
    answers problem+json (Open311 answers its spec's error list, checked above)."""
    paths = send(gateway, "GET", "/docs/openapi.json").json()["paths"]
    for path, item in paths.items():
        if "/open311/v2/" in path:
            continue
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")):
                    content = response.get("content", {})
                    assert "application/problem+json" in content, f"{method} {path} {status}"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("appeals", {"kind": "statement", "subject": "a\u0000b", "text": "t", "address": "a"}),
        ("petitions", {"title": "Сквер\u0000", "text": "Прошу облаштувати сквер."}),
    ],
)
def test_a_nul_character_in_a_text_is_a_422_not_a_500(
    gateway: Gateway, path: str, body: dict[str, str]
) -> None:
    """PostgreSQL under FerretDB cannot store U+0000: the insert failed with a 500."""
    citizen = gateway.citizen(f"fuzz-regress-{uuid.uuid4().hex[:8]}")
    answer = send(gateway, "POST", f"/api/v1/{TENANT}/{path}", json=body, headers=citizen)
    assert_problem(answer, 422, "body")


def test_a_project_file_form_without_the_file_is_a_422_not_a_500(gateway: Gateway) -> None:
    citizen = gateway.citizen(f"fuzz-regress-{uuid.uuid4().hex[:8]}")
    answer = send(
        gateway,
        "POST",
        f"/api/v1/{TENANT}/budget/projects/no-such-project/files",
        files={"other": (None, "not a file")},
        headers=citizen,
    )
    assert_problem(answer, 422, "data")


def test_an_attachment_download_is_declared_in_the_files_own_types(gateway: Gateway) -> None:
    paths = send(gateway, "GET", "/docs/openapi.json").json()["paths"]
    path = "/api/v1/{tenant}/appeals/{appeal_id}/attachments/{attachment_id}"
    declared = paths[path]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "image/png", "image/jpeg"} <= set(declared)
