"""Output: rich for people (tables, progress, colour) on stderr/stdout, plain text where a
script reads it, and one place that turns failures into a message and an exit code."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from hromada_cli.gateway import ApiError, GatewayUnreachable

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def print_json(value: Any) -> None:
    """Raw JSON for scripts: no colour, no wrapping."""
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {escape(message)}")
    return typer.Exit(code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Show gateway failures as a short message (never a traceback) and exit non-zero."""
    try:
        yield
    except ApiError as exc:
        err.print(f"[bold red]Error {exc.status}:[/] {escape(exc.detail)}")
        for field_name, message in exc.errors:
            err.print(f"  [red]•[/] [bold]{escape(field_name)}[/]: {escape(message)}")
        raise typer.Exit(1) from None
    except GatewayUnreachable as exc:
        err.print(
            f"[bold red]Error:[/] cannot reach the gateway at {escape(exc.url)} "
            f"({escape(exc.reason)}). Is the stack up? Try `hromada stack up`, or set "
            "--gateway / HROMADA_GATEWAY_URL."
        )
        raise typer.Exit(1) from None
