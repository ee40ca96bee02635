"""Appeal attachments through the gateway on the real stack: typed by content, limited per
council, readable only by the author and the council's staff."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests import attachment_files as files
from tests.e2e.conftest import appeal_body
from tests.stack import Gateway, assert_problem, wait_for

pytestmark = pytest.mark.e2e


def retrying(send: Callable[[], httpx.Response], attempts: int = 60) -> httpx.Response:
    """Other engineers restart the gateway and services: a 502/503 or a refused connection
    while that happens is retried, anything else is the answer."""
    for _ in range(attempts):
        try:
            response = send()
        except httpx.TransportError:
            time.sleep(0.5)
            continue
        if response.status_code not in (502, 503):
            return response
        time.sleep(0.5)
    return send()


def onboard_council(gateway: Gateway, prefix: str) -> str:
    """A fresh council for this run, so its settings can be tuned without touching others'."""
    slug = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = {"Authorization": f"Bearer {gateway.token(sub='pa-' + slug, roles=['platform_admin'])}"}
    body = {
        "slug": slug,
        "name": {"uk": f"Громада {slug}", "en": f"Council {slug}"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {},
    }
    created = retrying(
        lambda: gateway.http.post("/api/v1/platform/tenants", json=body, headers=admin)
    )
    assert created.status_code == 201, created.text
    # Usable at once per the platform's promise; the gateway's tenant cache may need a moment.
    wait_for(
        lambda: (
            retrying(
                lambda: gateway.http.get(f"/api/v1/{slug}/open311/v2/services.json")
            ).status_code
            == 200
        ),
        10,
        what=f"council {slug} routable",
    )
    return slug


@pytest.fixture(scope="module")
def council(gateway: Gateway) -> str:
    return onboard_council(gateway, "att")


def file_appeal(gateway: Gateway, tenant: str, headers: dict[str, str]) -> str:
    response = retrying(
        lambda: gateway.http.post(f"/api/v1/{tenant}/appeals", json=appeal_body(), headers=headers)
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def upload(
    gateway: Gateway,
    tenant: str,
    appeal_id: str,
    headers: dict[str, str],
    name: str,
    data: bytes,
    content_type: str = "application/octet-stream",
    query: str = "",
) -> httpx.Response:
    url = f"/api/v1/{tenant}/appeals/{appeal_id}/attachments{query}"
    return retrying(
        lambda: gateway.http.post(url, files={"file": (name, data, content_type)}, headers=headers)
    )


def test_pdf_and_png_are_stored_with_their_digest_and_read_back_by_the_author(
    gateway: Gateway, council: str, appeals_db: Any
) -> None:
    author = gateway.citizen(f"att-author-{uuid.uuid4().hex[:8]}")
    appeal_id = file_appeal(gateway, council, author)
    pdf, png = files.pdf("скарга"), files.png(8, 8)

    first = upload(gateway, council, appeal_id, author, "скарга.pdf", pdf, "application/pdf")
    assert first.status_code == 201, first.text
    created = first.json()
    assert created["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (created["size"], created["content_type"]) == (len(pdf), "application/pdf")
    second = upload(gateway, council, appeal_id, author, "map.png", png, "image/png")
    assert second.status_code == 201 and second.json()["content_type"] == "image/png"
    assert second.json()["sha256"] == hashlib.sha256(png).hexdigest()

    doc = appeals_db["appeals"].find_one({"_id": appeal_id, "tenant": council})
    assert [a["key"] for a in doc["attachments"]] == [
        f"{council}/appeals/{appeal_id}/{created['id']}",
        f"{council}/appeals/{appeal_id}/{second.json()['id']}",
    ]

    url = f"/api/v1/{council}/appeals/{appeal_id}/attachments/{created['id']}"
    streamed = retrying(lambda: gateway.http.get(url, params={"download": "1"}, headers=author))
    assert streamed.status_code == 200 and streamed.content == pdf
    assert streamed.headers["content-type"].startswith("application/pdf")
    link = retrying(lambda: gateway.http.get(url, headers=author))
    assert link.status_code == 200, link.text
    assert httpx.get(link.json()["url"]).content == pdf  # the presigned link serves the file

    official = gateway.staff(f"att-off-{uuid.uuid4().hex[:6]}", council)
    by_staff = retrying(lambda: gateway.http.get(url, params={"download": "1"}, headers=official))
    assert by_staff.status_code == 200 and by_staff.content == pdf


def test_another_citizen_and_another_councils_official_get_404(
    gateway: Gateway, council: str
) -> None:
    author = gateway.citizen(f"att-author-{uuid.uuid4().hex[:8]}")
    appeal_id = file_appeal(gateway, council, author)
    created = upload(gateway, council, appeal_id, author, "a.pdf", files.pdf())
    assert created.status_code == 201, created.text
    url = f"/api/v1/{council}/appeals/{appeal_id}/attachments/{created.json()['id']}"

    stranger = gateway.citizen(f"att-stranger-{uuid.uuid4().hex[:8]}")
    foreign_official = gateway.staff("att-foreign", "uzhhorod")
    for intruder in (stranger, foreign_official):
        assert_problem(retrying(lambda h=intruder: gateway.http.get(url, headers=h)), 404)
        assert_problem(
            retrying(lambda h=intruder: gateway.http.get(url, params={"download": "1"}, headers=h)),
            404,
        )
        assert_problem(upload(gateway, council, appeal_id, intruder, "b.pdf", files.pdf()), 404)
    # The foreign official on their own council's path finds nothing either.
    other_path = f"/api/v1/uzhhorod/appeals/{appeal_id}/attachments/{created.json()['id']}"
    assert_problem(retrying(lambda: gateway.http.get(other_path, headers=foreign_official)), 404)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("evidence.pdf", files.png(), "application/pdf"),  # a PNG renamed .pdf
        ("letter.pdf", b"I am only text, not a PDF.\n", "application/pdf"),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 64, "application/octet-stream"),
    ],
)
def test_a_forged_or_unknown_file_is_415_and_nothing_is_kept(
    gateway: Gateway, council: str, appeals_db: Any, name: str, data: bytes, content_type: str
) -> None:
    author = gateway.citizen(f"att-author-{uuid.uuid4().hex[:8]}")
    appeal_id = file_appeal(gateway, council, author)
    assert_problem(upload(gateway, council, appeal_id, author, name, data, content_type), 415)
    doc = appeals_db["appeals"].find_one({"_id": appeal_id, "tenant": council})
    assert not doc.get("attachments")


def test_council_limits_oversize_is_413_and_a_sixth_file_is_422(
    gateway: Gateway, council: str, appeals_db: Any
) -> None:
    author = gateway.citizen(f"att-author-{uuid.uuid4().hex[:8]}")
    appeal_id = file_appeal(gateway, council, author)
    # The council's copy of its settings, as the tenant registry's events would leave it.
    appeals_db["tenant_settings"].update_one(
        {"_id": council},
        {"$set": {"tenant": council, "settings": {"appeal_attachment_max_mb": 0.05}}},
        upsert=True,
    )
    try:
        big = files.pdf() + b"%" + b"x" * 60_000
        problem = assert_problem(upload(gateway, council, appeal_id, author, "big.pdf", big), 413)
        assert problem["detail"].startswith("file:")  # the council's limit, not the edge's
    finally:
        appeals_db["tenant_settings"].delete_one({"_id": council})

    for number in range(5):
        response = upload(gateway, council, appeal_id, author, f"p{number}.pdf", files.pdf())
        assert response.status_code == 201, response.text
    sixth = assert_problem(upload(gateway, council, appeal_id, author, "p6.pdf", files.pdf()), 422)
    assert "file" in [e["field"] for e in sixth["errors"]]
    doc = appeals_db["appeals"].find_one({"_id": appeal_id, "tenant": council})
    assert len(doc["attachments"]) == 5


def test_staff_attach_to_the_answer_and_the_author_may_not(gateway: Gateway, council: str) -> None:
    author = gateway.citizen(f"att-author-{uuid.uuid4().hex[:8]}")
    appeal_id = file_appeal(gateway, council, author)
    official = gateway.staff(f"att-off-{uuid.uuid4().hex[:6]}", council)
    answer = upload(
        gateway, council, appeal_id, official, "reply.pdf", files.pdf(), query="?purpose=answer"
    )
    assert answer.status_code == 201 and answer.json()["purpose"] == "answer"
    assert_problem(
        upload(gateway, council, appeal_id, author, "x.pdf", files.pdf(), query="?purpose=answer"),
        403,
    )
    url = f"/api/v1/{council}/appeals/{appeal_id}/attachments/{answer.json()['id']}"
    read = retrying(lambda: gateway.http.get(url, params={"download": "1"}, headers=author))
    assert read.status_code == 200 and read.content == files.pdf()


def test_the_author_and_the_staff_list_the_files_of_the_appeal_and_its_answer(
    gateway: Gateway, council: str
) -> None:
    author = gateway.citizen(f"att-author-{uuid.uuid4().hex[:8]}")
    appeal_id = file_appeal(gateway, council, author)
    official = gateway.staff(f"att-off-{uuid.uuid4().hex[:6]}", council)
    mine = upload(gateway, council, appeal_id, author, "фото.png", files.png(8, 8))
    reply = upload(
        gateway, council, appeal_id, official, "reply.pdf", files.pdf(), query="?purpose=answer"
    )
    assert mine.status_code == 201 and reply.status_code == 201, (mine.text, reply.text)
    url = f"/api/v1/{council}/appeals/{appeal_id}/attachments"

    for reader in (author, official):
        listed = retrying(lambda h=reader: gateway.http.get(url, headers=h))
        assert listed.status_code == 200, listed.text
        items = listed.json()["items"]
        assert [(i["id"], i["purpose"]) for i in items] == [
            (mine.json()["id"], "appeal"),
            (reply.json()["id"], "answer"),
        ]
        assert items[0]["filename"] == "фото.png" and items[0]["content_type"] == "image/png"
        assert "key" not in items[0]  # where the object lies stays the service's own

    stranger = gateway.citizen(f"att-stranger-{uuid.uuid4().hex[:8]}")
    foreign_official = gateway.staff("att-foreign", "uzhhorod")
    for intruder in (stranger, foreign_official):
        assert_problem(retrying(lambda h=intruder: gateway.http.get(url, headers=h)), 404)
