"""Which headers cross the gateway: hop-by-hop ones stop here (RFC 9110 §7.6.1), the
forwarding and request-id headers are set by us, everything else passes untouched."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Set by the gateway itself, so a client's own values must not slip through beside ours.
_SET_BY_GATEWAY = frozenset(
    {
        "host",
        "expect",
        "x-request-id",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "traceparent",
        "tracestate",
    }
)
# The gateway's server writes its own.
_SET_BY_SERVER = frozenset({"date", "server"})

RawHeaders = Iterable[tuple[bytes, bytes]]


def _decoded(raw: RawHeaders) -> list[tuple[str, str]]:
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in raw]


def _connection_tokens(headers: list[tuple[str, str]]) -> set[str]:
    """Headers named in `Connection` are hop-by-hop for this message too."""
    return {
        token.strip().lower()
        for name, value in headers
        if name == "connection"
        for token in value.split(",")
        if token.strip()
    }


def upstream_request_headers(
    raw: RawHeaders,
    *,
    client_ip: str | None,
    scheme: str,
    request_id: str,
    trace_context: Mapping[str, str],
) -> list[tuple[str, str]]:
    """The client's headers as the service should see them, Authorization included."""
    headers = _decoded(raw)
    dropped = HOP_BY_HOP | _SET_BY_GATEWAY | _connection_tokens(headers)
    forwarded_for = [v for k, v in headers if k == "x-forwarded-for"]
    host = next((v for k, v in headers if k == "host"), "")
    result = [(k, v) for k, v in headers if k not in dropped]
    if client_ip:
        forwarded_for.append(client_ip)
    if forwarded_for:
        result.append(("x-forwarded-for", ", ".join(forwarded_for)))
    if host:
        result.append(("x-forwarded-host", host))
    result.append(("x-forwarded-proto", scheme))
    result.append(("x-request-id", request_id))
    result.extend(trace_context.items())
    return result


def client_response_headers(raw: RawHeaders) -> list[tuple[bytes, bytes]]:
    """The service's response headers (repeated ones such as Set-Cookie kept) for the client."""
    headers = _decoded(raw)
    dropped = HOP_BY_HOP | _SET_BY_SERVER | _connection_tokens(headers)
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers if k not in dropped]
