"""What Litestar cannot infer for the routes that read or write the raw request and response:
the multipart upload of an attachment and its download in the file's own type, and Open311's
form body, its `.json`/`.xml` answers and its error list (`[{"code", "description"}]`, not
problem+json). Used as a route's `operation_class`; the handlers are unchanged, only the
OpenAPI document now says what they really take and give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)

from services.appeals.attachment_types import ALLOWED_TYPES

JSON, XML = "application/json", "application/xml"
FORM = "application/x-www-form-urlencoded"
_STRING = Schema(type=OpenAPIType.STRING)
_OPEN311_ERRORS = Schema(
    type=OpenAPIType.ARRAY,
    items=Schema(
        type=OpenAPIType.OBJECT,
        required=["code", "description"],
        properties={"code": Schema(type=OpenAPIType.INTEGER), "description": _STRING},
    ),
)
# The statuses an Open311 route answers in the spec's error format.
_OPEN311_ERROR_STATUSES = ("400", "401", "403", "404", "409", "422")
_OPEN311_FORM = Schema(
    type=OpenAPIType.OBJECT,
    required=["service_code", "description", "address_string"],
    properties={
        name: _STRING
        for name in (
            "api_key",
            "service_code",
            "description",
            "address_string",
            "lat",
            "long",
            "first_name",
            "last_name",
            "email",
            "phone",
        )
    },
)


def _media(formats: tuple[str, ...], json_schema: Schema) -> dict[str, OpenAPIMediaType]:
    return {
        kind: OpenAPIMediaType(schema=json_schema if kind == JSON else _STRING) for kind in formats
    }


@dataclass
class AttachmentUploadOperation(Operation):
    """The upload is streamed from the raw request: one multipart part named `file`."""

    def __post_init__(self) -> None:
        file = Schema(type=OpenAPIType.STRING, format="binary")  # type: ignore[arg-type]
        self.request_body = RequestBody(
            required=True,
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT, required=["file"], properties={"file": file}
                    )
                )
            },
        )


@dataclass
class AttachmentReadOperation(Operation):
    """A JSON link to the file, or with `?download=1` the file itself in its own type."""

    def __post_init__(self) -> None:
        responses: dict[str, Any] = dict(self.responses or {})
        link = responses.get("200")
        content = dict(link.content or {}) if isinstance(link, OpenAPIResponse) else {}
        binary = Schema(type=OpenAPIType.STRING, format="binary")  # type: ignore[arg-type]
        content.update({kind: OpenAPIMediaType(schema=binary) for kind in ALLOWED_TYPES})
        responses["200"] = OpenAPIResponse(
            description="The link as JSON, or the file itself with `?download=1`.",
            content=content,
        )
        self.responses = responses


@dataclass
class Open311Operation(Operation):
    """The format is the path's suffix: `..._xml` operations answer XML, the `{file}` ones
    whichever their id's suffix names; errors are the spec's list in the same format."""

    def __post_init__(self) -> None:
        operation_id = self.operation_id or ""
        by_file = operation_id in ("open311_get_service", "open311_get_request")
        formats: tuple[str, ...] = (
            (JSON, XML) if by_file else ((XML,) if operation_id.endswith("_xml") else (JSON,))
        )
        responses: dict[str, Any] = dict(self.responses or {})
        for status, response in list(responses.items()):
            if status.startswith("2") and isinstance(response, OpenAPIResponse):
                schema = next(iter((response.content or {}).values()), None)
                json_schema = schema.schema if schema is not None else Schema()
                responses[status] = OpenAPIResponse(
                    description=response.description,
                    content=_media(formats, json_schema),  # type: ignore[arg-type]
                )
        for status in _OPEN311_ERROR_STATUSES:
            responses[status] = OpenAPIResponse(
                description="Open311 errors: [{code, description}]",
                content=_media(formats, _OPEN311_ERRORS),
            )
        self.responses = responses
        if operation_id.startswith("open311_create_request"):
            self.request_body = RequestBody(
                required=True, content={FORM: OpenAPIMediaType(schema=_OPEN311_FORM)}
            )
