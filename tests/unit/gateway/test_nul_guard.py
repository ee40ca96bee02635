"""The edge refuses text bodies with U+0000 (found by fuzzing: PostgreSQL under FerretDB cannot
store it, so services answered 500)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from gateway.nul_guard import BodyHasNul, checked_kind, has_nul, nul_problem, refusing_nul


@pytest.mark.parametrize(
    ("body", "kind", "found"),
    [
        (rb'{"title": "a\u0000b"}', "json", True),
        (rb'{"title": "a\\u0000b"}', "json", False),  # an escaped backslash, then text
        (rb'{"title": "a\\\u0000b"}', "json", True),
        (b'{"title": "a\x00b"}', "json", True),
        (rb'{"title": "u0000"}', "json", False),
        (b"data=a%00b&signature=x", "form", True),
        (b"data=a%2500b", "form", False),
    ],
)
def test_a_nul_is_told_from_lookalikes(body: bytes, kind: str, found: bool) -> None:
    assert has_nul(body, kind) is found


def test_only_json_and_form_bodies_are_read() -> None:
    assert checked_kind("application/json; charset=utf-8") == "json"
    assert checked_kind("application/merge-patch+json") == "json"
    assert checked_kind("application/x-www-form-urlencoded") == "form"
    assert checked_kind("multipart/form-data; boundary=x") is None
    assert checked_kind(None) is None


async def _chunks(*parts: bytes) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_an_escape_split_across_chunks_is_caught() -> None:
    stream = refusing_nul(_chunks(b'{"title": "abc\\u00', b'00"}'), "json")
    with pytest.raises(BodyHasNul):
        [chunk async for chunk in stream]


async def test_a_clean_body_streams_through_unchanged() -> None:
    parts = (b'{"title": ', b'"\\u0441\\u043a\\u0432\\u0435\\u0440"}')
    assert [c async for c in refusing_nul(_chunks(*parts), "json")] == list(parts)


def test_the_refusal_is_a_422_naming_the_body() -> None:
    problem = nul_problem()
    assert problem.status == 422 and [e.field for e in problem.errors] == ["body"]
