"""The web frontend behind the gateway: `/` and `/app/...` go to the web app (web/) unchanged,
so residents open one address. The pages authenticate with their own session cookie and call
the API like any other client, so nothing here checks tokens or counts requests."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
from litestar import Litestar, Request, route
from litestar.config.app import AppConfig
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.types import ASGIApp, HTTPResponseStartEvent, Receive, Scope, Send

from chassis.logging import get_logger
from chassis.problems import Problem
from gateway.headers import client_response_headers, upstream_request_headers
from gateway.proxy import shared_client_cookie_jar
from gateway.settings import GatewaySettings

log = get_logger("gateway.web_frontend")

WEB_PATHS = ["/", "/app", "/app/{rest:path}"]


class WebFrontend:
    """Forwards page requests to the web app through one pooled client."""

    def __init__(
        self, settings: GatewaySettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.base_url = settings.web_url.rstrip("/")
        # Forms carry appeal attachments, so pages get the upload ceiling.
        self.max_body_bytes = settings.upload_max_body_bytes
        self._timeout = httpx.Timeout(
            connect=settings.upstream_connect_timeout_s,
            read=settings.upstream_read_timeout_s,
            write=settings.upstream_read_timeout_s,
            pool=settings.upstream_connect_timeout_s,
        )
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    @contextlib.asynccontextmanager
    async def client_lifespan(self, _: Litestar) -> AsyncIterator[None]:
        self._client = httpx.AsyncClient(
            timeout=self._timeout,
            transport=self._transport,
            follow_redirects=False,  # the browser follows the web app's redirects itself
            trust_env=False,
            # One client serves every visitor: a cookie it kept from one person's page would be
            # sent along with the next visitor's request that has none (their session!).
            cookies=shared_client_cookie_jar(),
        )
        try:
            yield
        finally:
            await self._client.aclose()
            self._client = None

    def install(self, config: AppConfig) -> AppConfig:
        """`on_app_init` hook: open the client with the app and close it on shutdown."""
        config.lifespan = [*config.lifespan, self.client_lifespan]
        return config

    async def forward(self, request: Request[Any, Any, Any]) -> ASGIApp:
        if self._client is None:
            raise RuntimeError("the web client opens with the app's lifespan")
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > self.max_body_bytes:
            raise Problem(413, f"The request body must not exceed {self.max_body_bytes} bytes.")
        body = await request.body()
        if len(body) > self.max_body_bytes:
            raise Problem(413, f"The request body must not exceed {self.max_body_bytes} bytes.")
        headers = upstream_request_headers(
            request.scope["headers"],
            client_ip=request.client.host if request.client else None,
            scheme=request.scope.get("scheme", "http"),
            request_id=request.headers.get("x-request-id") or uuid.uuid4().hex,
            trace_context={},
        )
        raw = request.scope.get("raw_path") or request.scope["path"].encode()
        raw_path = raw.split(b"?", 1)[0].decode("latin-1")  # some servers keep the query in it
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = self.base_url + raw_path + (f"?{query}" if query else "")
        try:
            answer = await self._client.request(
                request.method, url, headers=headers, content=body or None
            )
        except httpx.TimeoutException as exc:
            log.warning("web.upstream_failed", error=type(exc).__name__)
            raise Problem(504, "The web frontend did not answer.") from exc
        except httpx.TransportError as exc:
            log.warning("web.upstream_failed", error=type(exc).__name__)
            raise Problem(503, "The web frontend is not reachable.") from exc
        return _answer(answer)


def _answer(answer: httpx.Response) -> ASGIApp:
    """The page as the web app sent it (repeated Set-Cookie headers kept)."""
    raw_headers = [
        (k, v)
        for k, v in client_response_headers(answer.headers.raw)
        if k not in (b"content-length", b"content-encoding")
    ]
    raw_headers.append((b"content-length", str(len(answer.content)).encode()))

    async def send_page(scope: Scope, receive: Receive, send: Send) -> None:
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": answer.status_code,
            "headers": raw_headers,
        }
        await send(start)
        await send({"type": "http.response.body", "body": answer.content, "more_body": False})

    return send_page


@route(
    WEB_PATHS,
    http_method=[HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST],
    include_in_schema=False,
    request_max_body_size=None,  # WebFrontend enforces the upload ceiling
)
async def web_pages(
    request: Request[Any, Any, Any], web_frontend: NamedDependency[WebFrontend]
) -> ASGIApp:
    """The resident's cabinet and the back office (web/)."""
    return await web_frontend.forward(request)


__all__ = ["WEB_PATHS", "WebFrontend", "web_pages"]
