"""OpenTelemetry set-up: OTLP exporter, httpx and pymongo instrumentation, W3C propagation."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import context, propagate, trace
from opentelemetry.instrumentation.utils import suppress_instrumentation
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_provider: TracerProvider | None = None


def configure_tracing(service_name: str, otlp_endpoint: str | None) -> TracerProvider:
    """Install one tracer provider per process; without an endpoint spans stay in-process."""
    global _provider
    if _provider is not None:
        return _provider
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint.rstrip('/')}/v1/traces")
        # Small batches, often: encoding a batch holds the GIL, so one of 500 spans every
        # half second stalled every request in flight (the p95 of a busy gateway); the
        # total work is the same. Traces show within a fraction of a second in dev.
        provider.add_span_processor(
            BatchSpanProcessor(exporter, schedule_delay_millis=100, max_export_batch_size=64)
        )
    trace.set_tracer_provider(provider)

    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor

    HTTPXClientInstrumentor().instrument(tracer_provider=provider)
    PymongoInstrumentor().instrument(tracer_provider=provider)
    _provider = provider
    return provider


def shutdown_tracing() -> None:
    if _provider is not None:
        _provider.force_flush(timeout_millis=2000)


def current_trace_carrier() -> dict[str, str]:
    """The W3C trace context of the current span, to store beside an outbox event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


@contextmanager
def untraced() -> Iterator[None]:
    """For background polling (outbox, retry workers): without this every poll would start a
    root trace of its own and bury the traces people look for."""
    with suppress_instrumentation():
        yield


@contextmanager
def continue_trace(carrier: Mapping[str, str] | None) -> Iterator[None]:
    """Run a block as a child of a stored trace context (used by the outbox relay)."""
    token = context.attach(propagate.extract(dict(carrier or {})))
    try:
        yield
    finally:
        context.detach(token)
