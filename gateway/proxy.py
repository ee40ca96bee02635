"""Reverse proxy: `/api/v1/{tenant}/{service}/...` goes to that service with the same path and
query, request and response bodies streamed, within bounded timeouts."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx
import structlog
from litestar import Litestar, Request, route
from litestar.config.app import AppConfig
from litestar.di import NamedDependency
from litestar.enums import HttpMethod
from litestar.params import FromPath
from litestar.types import ASGIApp, Receive, Scope, Send
from opentelemetry import propagate
from prometheus_client import Counter, Histogram

from chassis.auth import JwtVerifier
from chassis.logging import get_logger
from chassis.problems import Problem
from gateway.circuit_breaker import FAILURE_STATUSES, CircuitBreakers
from gateway.edge_auth import authenticate_at_edge
from gateway.headers import client_response_headers, upstream_request_headers
from gateway.nul_guard import BodyHasNul, checked_kind, nul_problem, refusing_nul
from gateway.rate_limits import EdgeRateLimits
from gateway.settings import GatewaySettings
from gateway.tenants import TenantDirectory, resolve_tenant
from gateway.upstream_transport import AiohttpTransport

log = get_logger("gateway.proxy")

PROXIED_METHODS = [
    HttpMethod.GET,
    HttpMethod.HEAD,
    HttpMethod.POST,
    HttpMethod.PUT,
    HttpMethod.PATCH,
    HttpMethod.DELETE,
    HttpMethod.OPTIONS,
]
PROXY_PATHS = [
    "/api/v1/{tenant:str}/{service:str}",
    "/api/v1/{tenant:str}/{service:str}/{rest:path}",
]

UPSTREAM_RESPONSES = Counter(
    "gateway_upstream_responses_total",
    "Proxied requests by service and outcome (status code or failure kind).",
    ["service", "outcome"],
)
UPSTREAM_LATENCY = Histogram(
    "gateway_upstream_headers_seconds",
    "Time until the service's response headers arrived.",
    ["service"],
)


class ServiceProxy:
    """Forwards one request to its service through that service's pooled HTTP client."""

    def __init__(
        self,
        settings: GatewaySettings,
        tenants: TenantDirectory,
        verifier: JwtVerifier,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limits: EdgeRateLimits | None = None,
        breakers: CircuitBreakers | None = None,
    ) -> None:
        self.services = {name: url.rstrip("/") for name, url in settings.service_urls.items()}
        self.rate_limits = rate_limits
        self.breakers = breakers or CircuitBreakers(
            settings.breaker_failure_threshold, settings.breaker_cooldown_s
        )
        self.tenants = tenants
        self.verifier = verifier
        self.max_body_bytes = settings.max_body_bytes
        self.upload_max_body_bytes = settings.upload_max_body_bytes
        self._timeout = httpx.Timeout(
            connect=settings.upstream_connect_timeout_s,
            read=settings.upstream_read_timeout_s,
            write=settings.upstream_read_timeout_s,
            # Waiting for one of the service's pooled connections is queueing at our edge, not
            # a sign the service is down: as patient as a read.
            pool=settings.upstream_read_timeout_s,
        )
        self._timeout_extension = {"timeout": self._timeout.as_dict()}
        self._limits = httpx.Limits(max_connections=settings.upstream_max_connections)
        self._transport = transport
        # One transport per service, each over its own aiohttp connection pool
        # (upstream_transport.py): httpx's own pool cost the gateway most of its CPU under
        # load (profiled), and one service's burst cannot take another's connections.
        # Requests go to the transport directly, not through an `httpx.AsyncClient`: the
        # client only added work a proxy must not do (cookie storage, default headers such
        # as `Accept-Encoding` the caller never sent, redirect and auth hooks) and cost ~7%
        # of the gateway's CPU per request (profiled). The aiohttp pool ignores HTTP_PROXY
        # (`trust_env=False`): no machine-wide proxy may sit between us and a service.
        self._transports: dict[str, httpx.AsyncBaseTransport] = {}

    @contextlib.asynccontextmanager
    async def client_lifespan(self, _: Litestar) -> AsyncIterator[None]:
        self._transports = {
            name: self._transport or self._pooled_transport() for name in self.services
        }
        try:
            yield
        finally:
            for transport in {id(t): t for t in self._transports.values()}.values():
                await transport.aclose()
            self._transports = {}

    def _pooled_transport(self) -> AiohttpTransport:
        return AiohttpTransport(
            max_connections=self._limits.max_connections or 16,
            connect_timeout_s=self._timeout.connect or 2.0,
            read_timeout_s=self._timeout.read or 15.0,
        )

    def install(self, config: AppConfig) -> AppConfig:
        """`on_app_init` hook: open the client with the app and close it on shutdown."""
        config.lifespan = [*config.lifespan, self.client_lifespan]
        return config

    async def forward(self, request: Request[Any, Any, Any], tenant: str, service: str) -> ASGIApp:
        base_url = self.services.get(service)
        if base_url is None:
            raise Problem(404, f"There is no service '{service[:40]}'.")
        council = await resolve_tenant(self.tenants, tenant, request.method)  # 404, or 423
        _reject_dot_segments(request.scope["path"])
        principal = await authenticate_at_edge(
            request.method,
            request.headers.get("authorization"),
            self.verifier,
            request.scope["path"],  # Open311 filing authenticates by api_key (edge_auth)
        )
        if self.rate_limits is not None:  # 429 before anything reaches the service
            await self.rate_limits.enforce(
                tenant=council.slug,
                tenant_settings=council.settings,
                method=request.method,
                path=request.scope["path"],
                user=principal.sub if principal else None,
                client_ip=request.client.host if request.client else None,
            )
        content = self._body_of(request)
        headers = upstream_request_headers(
            request.scope["headers"],
            client_ip=request.client.host if request.client else None,
            scheme=request.scope.get("scheme", "http"),
            request_id=_request_id(request),
            trace_context=_trace_context(),
        )
        upstream = httpx.Request(
            request.method,
            base_url + _target(request.scope),
            headers=headers,
            content=content,
            extensions=self._timeout_extension,
        )
        response = await self._send(upstream, service)
        return _relay(response, service)

    def _body_limit(self, request: Request[Any, Any, Any]) -> int:
        """File uploads get the larger edge limit; the service applies the council's own."""
        is_upload = request.method == "POST" and request.url.path.rstrip("/").endswith(
            "/attachments"
        )
        return self.upload_max_body_bytes if is_upload else self.max_body_bytes

    def _body_of(self, request: Request[Any, Any, Any]) -> AsyncIterator[bytes] | None:
        """The request body as a size-limited stream, or None when the request has none."""
        limit = self._body_limit(request)
        declared = request.headers.get("content-length")
        if declared is not None:
            if not (declared.isascii() and declared.isdigit()):
                raise Problem(400, "The Content-Length header is not a number.")
            if int(declared) > limit:
                raise _too_large(limit)
            return self._guarded(request, limit) if int(declared) else None
        if "transfer-encoding" in request.headers:
            return self._guarded(request, limit)
        return None

    @staticmethod
    def _guarded(request: Request[Any, Any, Any], limit: int) -> AsyncIterator[bytes]:
        """Size-limited, and a text body with a NUL cut off (gateway/nul_guard.py)."""
        stream = _limited(request.stream(), limit)
        kind = checked_kind(request.headers.get("content-type"))
        return refusing_nul(stream, kind) if kind else stream

    def _transport_for(self, service: str) -> httpx.AsyncBaseTransport:
        transport = self._transports.get(service)
        if transport is None:
            raise RuntimeError("the upstream transports open with the app's lifespan")
        return transport

    async def _send(self, upstream: httpx.Request, service: str) -> httpx.Response:
        breaker = self.breakers.for_service(service)
        try:
            breaker.admit()  # an open breaker: 503 at once, the service is not called
        except Problem:
            _count(service, "circuit_open")
            raise
        started = time.perf_counter()
        try:
            response = await self._transport_for(service).handle_async_request(upstream)
            response.request = upstream
        except _BodyTooLarge as exc:
            # The stream was cut mid-body, so the service never saw a complete request.
            breaker.abandoned()
            _count(service, "body_too_large")
            raise _too_large(exc.limit) from exc
        except BodyHasNul as exc:
            breaker.abandoned()
            _count(service, "body_has_nul")
            raise nul_problem() from exc
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            breaker.failed()
            raise _upstream_failed(service, exc, 503, "The service is not reachable.") from exc
        except httpx.TimeoutException as exc:
            breaker.failed()
            raise _upstream_failed(service, exc, 504, "The service did not answer.") from exc
        except httpx.TransportError as exc:
            breaker.failed()
            raise _upstream_failed(service, exc, 502, "The service's answer broke.") from exc
        except BaseException:
            breaker.abandoned()  # cancelled (client gone): says nothing about the service
            raise
        if response.status_code in FAILURE_STATUSES:
            breaker.failed()
        else:
            breaker.succeeded()
        UPSTREAM_LATENCY.labels(service).observe(time.perf_counter() - started)
        _count(service, str(response.status_code))
        return response


def shared_client_cookie_jar() -> CookieJar:
    """A jar that keeps nothing, for a client that serves every visitor: httpx stores each
    Set-Cookie it sees and sends it on later requests, so a cookie one person's answer set
    would ride along on everyone else's."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class _BodyTooLarge(Exception):
    """Raised inside the request stream when a body outgrows its limit mid-way."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _too_large(limit: int) -> Problem:
    return Problem(413, f"The request body must not exceed {limit} bytes.")


async def _limited(chunks: AsyncIterator[bytes], limit: int) -> AsyncIterator[bytes]:
    # Content-Length was checked up front; this also catches chunked bodies, counted as they come.
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > limit:
            raise _BodyTooLarge(limit)
        if chunk:
            yield chunk


def _relay(response: httpx.Response, service: str) -> ASGIApp:
    """An ASGI app that streams the service's response to the client as it arrives."""

    async def relay(scope: Scope, receive: Receive, send: Send) -> None:
        client_gone = asyncio.ensure_future(_wait_for_disconnect(receive))
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": client_response_headers(response.headers.raw),
                }
            )
            async for chunk in response.aiter_raw():
                if client_gone.done():
                    log.info("proxy.client_gone", upstream=service)
                    return  # stop reading from the service; nobody is listening
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except httpx.TransportError as exc:
            # Headers are out already; aborting the connection is the only honest signal left.
            log.warning("proxy.response_broken", upstream=service, error=type(exc).__name__)
            raise
        finally:
            client_gone.cancel()
            await response.aclose()

    return relay


async def _wait_for_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _upstream_failed(service: str, exc: Exception, status: int, detail: str) -> Problem:
    log.warning("proxy.upstream_failed", upstream=service, error=type(exc).__name__, status=status)
    _count(service, type(exc).__name__)
    return Problem(status, detail)


def _count(service: str, outcome: str) -> None:
    UPSTREAM_RESPONSES.labels(service, outcome).inc()


def _reject_dot_segments(path: str) -> None:
    # `..` (even as %2e%2e or behind %2F) would let a path escape the tenant and service we checked.
    if any(segment in (".", "..") for segment in path.split("/")):
        raise Problem(400, "The path must not contain '.' or '..' segments.")


def _target(scope: Scope) -> str:
    """The path exactly as the client encoded it, plus the query: services mount the same paths."""
    raw_path = scope.get("raw_path") or scope["path"].encode()
    path = raw_path.split(b"?", 1)[0].decode("latin-1")
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


def _request_id(request: Request[Any, Any, Any]) -> str:
    """The id the chassis middleware bound for this request (it echoes the same one back)."""
    bound = structlog.contextvars.get_contextvars().get("request_id")
    return str(bound or request.headers.get("x-request-id") or uuid.uuid4().hex)


def _trace_context() -> dict[str, str]:
    """W3C trace context of the gateway's server span, so the service joins the same trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@route(
    PROXY_PATHS,
    http_method=PROXIED_METHODS,
    include_in_schema=False,
    request_max_body_size=None,  # ServiceProxy enforces max_body_bytes while streaming
)
async def proxy_to_service(
    request: Request[Any, Any, Any],
    tenant: FromPath[str],
    service: FromPath[str],
    service_proxy: NamedDependency[ServiceProxy],
) -> ASGIApp:
    """Everything under a council's service path goes to that service, unchanged."""
    return await service_proxy.forward(request, tenant, service)


__all__ = ["PROXIED_METHODS", "ServiceProxy", "proxy_to_service", "shared_client_cookie_jar"]
