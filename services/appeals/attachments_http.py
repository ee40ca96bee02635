"""HTTP edge of appeal attachments: upload (multipart, field `file`) and download."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Response, Stream

from chassis.auth import Principal
from services.appeals.attachment_rules import parse_purpose
from services.appeals.attachment_types import content_disposition
from services.appeals.attachment_upload import receive_upload
from services.appeals.attachments import AttachmentUseCases, ReceivedFile
from services.appeals.openapi_docs import AttachmentReadOperation, AttachmentUploadOperation

# Far above any council's limit; the per-council limit is enforced while the body streams in.
HARD_BODY_LIMIT = 256 * 1024 * 1024


class AttachmentCreated(msgspec.Struct):
    id: str
    size: int
    content_type: str
    sha256: str
    filename: str
    purpose: str


class AttachmentLink(msgspec.Struct):
    """A download link to the object store, valid for at most 15 minutes."""

    id: str
    url: str
    expires_at: datetime
    content_type: str
    size: int
    sha256: str
    filename: str


class AttachmentListed(msgspec.Struct):
    id: str
    size: int
    content_type: str
    sha256: str
    filename: str
    purpose: str
    uploaded_at: datetime


class AttachmentList(msgspec.Struct):
    items: list[AttachmentListed]


class AttachmentController(Controller):
    path = "/api/v1/{tenant:str}/appeals/{appeal_id:str}/attachments"
    tags = ["appeals"]

    @post(
        "/",
        operation_id="upload_attachment",
        operation_class=AttachmentUploadOperation,
        status_code=201,
        request_max_body_size=HARD_BODY_LIMIT,
    )
    async def upload_attachment(
        self,
        request: Request[Any, Any, Any],
        tenant: str,
        appeal_id: str,
        principal: Principal,
        attachment_use_cases: AttachmentUseCases,
        purpose: Annotated[str | None, Parameter(query="purpose")] = None,
    ) -> AttachmentCreated:
        """Attach a PDF, JPEG, PNG, DOCX or ODT file (typed by its content) to an appeal, or
        with `?purpose=answer` to its answer (staff only)."""

        async def receive(max_bytes: int) -> ReceivedFile:
            return await receive_upload(
                request.stream(), request.headers.get("content-type"), max_bytes
            )

        stored = await attachment_use_cases.upload_attachment(
            tenant, principal, appeal_id, parse_purpose(purpose), receive
        )
        return AttachmentCreated(**stored.__dict__)

    @get("/", operation_id="list_attachments")
    async def list_attachments(
        self,
        tenant: str,
        appeal_id: str,
        principal: Principal,
        attachment_use_cases: AttachmentUseCases,
    ) -> AttachmentList:
        """The files of the appeal and of its answer, oldest first (author and staff only)."""
        files = await attachment_use_cases.list_attachments(tenant, principal, appeal_id)
        return AttachmentList(
            [
                AttachmentListed(
                    id=f["id"],
                    size=f["size"],
                    content_type=f["content_type"],
                    sha256=f["sha256"],
                    filename=f["filename"],
                    purpose=f["purpose"],
                    uploaded_at=f["uploaded_at"],
                )
                for f in files
            ]
        )

    @get(
        "/{attachment_id:str}",
        operation_id="get_attachment",
        operation_class=AttachmentReadOperation,
        response_model=None,
    )
    async def get_attachment(
        self,
        tenant: str,
        appeal_id: str,
        attachment_id: str,
        principal: Principal,
        attachment_use_cases: AttachmentUseCases,
        download: Annotated[bool, Parameter(query="download")] = False,
    ) -> Response[Any]:
        """A short-lived download link, or with `?download=1` the file itself."""
        if download:
            found, chunks = await attachment_use_cases.attachment_stream(
                tenant, principal, appeal_id, attachment_id
            )
            return Stream(
                chunks,
                media_type=found["content_type"],
                headers={
                    "Content-Length": str(found["size"]),
                    "Content-Disposition": content_disposition(found["filename"]),
                    "X-Content-Type-Options": "nosniff",
                },
            )
        link = await attachment_use_cases.attachment_link(
            tenant, principal, appeal_id, attachment_id
        )
        found = link.attachment
        view = AttachmentLink(
            id=found["id"],
            url=link.url,
            expires_at=link.expires_at,
            content_type=found["content_type"],
            size=found["size"],
            sha256=found["sha256"],
            filename=found["filename"],
        )
        # Typed as a Response (not a union with Stream) so the stream keeps its own media type.
        return Response(msgspec.to_builtins(view), media_type="application/json")
