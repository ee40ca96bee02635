"""The proxy's connections to the services: httpx's client API over aiohttp's connection pool.

Why: httpcore hands out pooled connections by scanning every queued request against every
connection, with a poll() per idle connection, on each request (profiled: ~16% of the
gateway's CPU a signature under load). aiohttp's connector keeps idle connections in a queue
and parses responses in C. The proxy keeps httpx's request/response types and error classes;
unit tests still plug an httpx ASGI transport in its place.

Bodies pass through untouched: no automatic decompression, no headers added, no redirects.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import httpx

# aiohttp would add these itself; the proxy already decided every header it sends.
_NO_AUTO_HEADERS = frozenset({"User-Agent", "Accept-Encoding", "Content-Type"})


class AiohttpTransport(httpx.AsyncBaseTransport):
    """One pool of keep-alive connections to one service, opened on first use in the loop."""

    def __init__(
        self, *, max_connections: int, connect_timeout_s: float, read_timeout_s: float
    ) -> None:
        self._max_connections = max_connections
        self._timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=connect_timeout_s, sock_read=read_timeout_s
        )
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_connections, limit_per_host=0),
                timeout=self._timeout,
                auto_decompress=False,  # the client gets the service's bytes as they are
                cookie_jar=aiohttp.DummyCookieJar(),  # one pool serves everyone: keep none
                trust_env=False,
                skip_auto_headers=_NO_AUTO_HEADERS,
            )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body_error: BaseException | None = None

        async def body() -> AsyncIterator[bytes]:
            # The proxy's own checks (size, NUL) raise inside the stream; aiohttp would wrap
            # them, so the original is kept and raised as the proxy expects.
            nonlocal body_error
            try:
                async for chunk in request.stream:  # type: ignore[union-attr]
                    yield chunk
            except BaseException as exc:
                body_error = exc
                raise

        has_body = "content-length" in request.headers or "transfer-encoding" in request.headers
        # Framing is aiohttp's to decide: Content-Length when the client gave one, else chunked.
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in request.headers.raw
            if k.lower() != b"transfer-encoding"
        ]
        try:
            response = await self._open().request(
                request.method,
                str(request.url),
                headers=headers,
                data=body() if has_body else None,
                allow_redirects=False,
                compress=None,
                chunked=None,
            )
        except BaseException as exc:
            if body_error is not None:
                raise body_error from None
            raise _as_httpx_error(exc, request) from exc
        return httpx.Response(
            response.status,
            headers=list(response.raw_headers),
            stream=_ResponseStream(response, request),
            request=request,
        )

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class _ResponseStream(httpx.AsyncByteStream):
    """The service's body as it arrives; the connection goes back to the pool on close."""

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise _as_httpx_error(exc, self._request) from exc

    async def aclose(self) -> None:
        self._response.release()


def _as_httpx_error(exc: BaseException, request: httpx.Request) -> BaseException:
    """The httpx error the proxy maps to 502/503/504 (anything else, e.g. a cancellation,
    passes unchanged)."""
    if isinstance(exc, aiohttp.ServerTimeoutError | TimeoutError):
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return httpx.ConnectTimeout(str(exc), request=request)
        return httpx.ReadTimeout(str(exc), request=request)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(str(exc), request=request)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.RemoteProtocolError(str(exc), request=request)
    return exc


__all__ = ["AiohttpTransport"]
