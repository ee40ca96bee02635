"""File uploads get a larger edge limit than other bodies; the service applies the council's."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from gateway.dev_identity import DevIssuer
from tests.unit.gateway.conftest import BODY_LIMIT, FakeUpstream, bearer, build_gateway, claims

UPLOAD = "/api/v1/chernivtsi/appeals/a-1/attachments"


def test_an_attachment_may_exceed_the_general_limit_but_not_the_upload_limit(
    dev_key_file: Path, issuer: DevIssuer, upstream: FakeUpstream
) -> None:
    app = build_gateway(dev_key_file, upstream, upload_max_body_bytes=BODY_LIMIT * 4)
    headers = bearer(issuer.sign(claims()))
    with TestClient(app) as client:
        fits = client.post(UPLOAD, content=b"x" * (BODY_LIMIT * 2), headers=headers)
        too_big = client.post(UPLOAD, content=b"x" * (BODY_LIMIT * 4 + 1), headers=headers)
        other = client.post(
            "/api/v1/chernivtsi/appeals", content=b"x" * (BODY_LIMIT * 2), headers=headers
        )
    assert fits.status_code == 200, fits.text
    assert too_big.status_code == 413 and other.status_code == 413
    assert [len(c.body) for c in upstream.calls] == [BODY_LIMIT * 2]
