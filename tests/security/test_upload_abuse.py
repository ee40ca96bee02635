"""Abuse of appeal attachments through the gateway: a file over the council's limit and over
the gateway's, bytes that are not what the name and header claim, a zip bomb dressed as a DOCX
(refused, or stored as sent without ever being unpacked), and a path-traversal file name (the
storage key is the server's own)."""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pymongo import MongoClient

from tests import attachment_files as files
from tests.e2e.retrying import send
from tests.security.conftest import T1, bearer, created
from tests.stack import Gateway, env

pytestmark = pytest.mark.e2e
MB = 1024 * 1024


@pytest.fixture(scope="module")
def appeals_db() -> Iterator[Any]:
    client: MongoClient[dict[str, Any]] = MongoClient(
        env("HROMADA_MONGO_URL", "mongodb://127.0.0.1:27017/")
    )
    yield client["hromada_appeals"]
    client.close()


def _new_appeal(gateway: Gateway) -> tuple[dict[str, str], str]:
    author = bearer(
        gateway,
        sub=f"sec-upload-{uuid.uuid4().hex[:10]}",
        name="Іван Завантажувач",
        roles=["citizen"],
        acr="substantial",
    )
    body = {
        "kind": "statement",
        "subject": "Документи до звернення",
        "text": "Додаю документи.",
        "address": "м. Чернівці, вул. Головна, 2",
        "email": "uploader@example.ua",
    }
    appeal = created(
        send(gateway, "POST", f"/api/v1/{T1}/appeals", json=body, headers=author), "appeal"
    )
    return author, str(appeal["id"])


def _upload(
    gateway: Gateway, author: dict[str, str], appeal_id: str, name: str, data: bytes, kind: str
) -> httpx.Response:
    path = f"/api/v1/{T1}/appeals/{appeal_id}/attachments"
    return send(gateway, "POST", path, files={"file": (name, data, kind)}, headers=author)


def _zip_bomb(expanded_mb: int) -> bytes:
    """A DOCX by its entries whose document part inflates to `expanded_mb` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * MB
            for _ in range(expanded_mb):
                part.write(chunk)
    return out.getvalue()


def _problem(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in statuses, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_file_over_the_councils_limit_and_over_the_gateways_is_413(gateway: Gateway) -> None:
    author, appeal_id = _new_appeal(gateway)
    over_council = files.pdf() + b"0" * (11 * MB)  # the council allows 10 MB
    _problem(_upload(gateway, author, appeal_id, "big.pdf", over_council, "application/pdf"), 413)
    over_gateway = files.pdf() + b"0" * (30 * MB)  # the gateway's upload ceiling is 26 MiB
    _problem(_upload(gateway, author, appeal_id, "huge.pdf", over_gateway, "application/pdf"), 413)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("invoice.pdf", b"MZ\x90\x00" + b"\0" * 200, "application/pdf"),  # a Windows program
        ("scan.pdf", files.png(4, 4), "application/pdf"),  # a PNG named and sent as PDF
        ("letter.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        ("photo.png", files.pdf(), "image/png"),  # a PDF dressed as a picture
        ("archive.docx", files.plain_zip(), "application/octet-stream"),  # a zip, not a DOCX
    ],
)
def test_bytes_that_are_not_what_they_claim_are_refused(
    gateway: Gateway, name: str, data: bytes, kind: str
) -> None:
    author, appeal_id = _new_appeal(gateway)
    _problem(_upload(gateway, author, appeal_id, name, data, kind), 415, 422)


def test_a_zip_bomb_dressed_as_docx_is_never_unpacked(gateway: Gateway, appeals_db: Any) -> None:
    author, appeal_id = _new_appeal(gateway)
    bomb = _zip_bomb(expanded_mb=300)
    assert len(bomb) < 2 * MB  # 300 MB of zeros in well under 2 MB
    answer = _upload(gateway, author, appeal_id, "звіт.docx", bomb, "application/octet-stream")
    assert answer.status_code in (201, 413, 415, 422), answer.text[:300]
    if answer.status_code == 201:  # stored as sent: the size is the archive's, not its content's
        assert answer.json()["size"] == len(bomb)
        stored = appeals_db["appeals"].find_one({"_id": appeal_id, "tenant": T1})
        assert [a["size"] for a in stored["attachments"]] == [len(bomb)]
    # The service is still serving.
    after = send(gateway, "GET", f"/api/v1/{T1}/appeals/{appeal_id}", headers=author)
    assert after.status_code == 200, after.text


@pytest.mark.parametrize("name", ["../../x.pdf", "..\\..\\windows\\x.pdf", "/etc/passwd.pdf"])
def test_a_path_in_the_file_name_never_reaches_the_storage_key(
    gateway: Gateway, appeals_db: Any, name: str
) -> None:
    author, appeal_id = _new_appeal(gateway)
    answer = _upload(gateway, author, appeal_id, name, files.pdf(), "application/pdf")
    assert answer.status_code == 201, answer.text
    attachment_id = answer.json()["id"]
    stored = appeals_db["appeals"].find_one({"_id": appeal_id, "tenant": T1})
    (attachment,) = stored["attachments"]
    assert attachment["key"] == f"{T1}/appeals/{appeal_id}/{attachment_id}"
    shown = str(attachment.get("filename", ""))
    assert "/" not in shown and "\\" not in shown and not shown.startswith("..")
    download = send(
        gateway,
        "GET",
        f"/api/v1/{T1}/appeals/{appeal_id}/attachments/{attachment_id}",
        params={"download": "1"},
        headers=author,
    )
    assert download.status_code == 200
    disposition = download.headers["content-disposition"]
    assert "/" not in disposition.split("filename*=")[0] and "\\" not in disposition
