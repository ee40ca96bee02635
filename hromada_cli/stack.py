"""`hromada stack up|down|status`: the local stack (deploy/local/stack.py) with progress."""

from __future__ import annotations

import json
import re
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from hromada_cli.console import err, fail, out, print_json
from hromada_cli.stack_runner import StackRunner, StackScriptMissing
from hromada_cli.state import state_of

app = typer.Typer(help="Run the local stack (no Docker): up, down, status.", no_args_is_help=True)

# stack.py's own progress lines that mean one component is done starting or stopping.
_STARTED = re.compile(r"^\[stack\] (\S+): (ready at|already running .*healthy|skipped)")
_STOPPED = re.compile(r"^\[stack\] (\S+): (stopped|killed|not running)")


def _runner(ctx: typer.Context) -> StackRunner:
    try:
        return state_of(ctx).stack_runner()
    except StackScriptMissing as exc:
        raise fail(str(exc)) from None


def _run_with_progress(
    runner: StackRunner, args: list[str], what: str, total: int, done: re.Pattern[str]
) -> int:
    """Run stack.py, showing a bar of components done and its latest line; echo every line."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[latest]}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task(what, total=total or None, latest="")
        finished: set[str] = set()

        def on_line(line: str) -> None:
            progress.console.print(f"[dim]{escape(line)}[/]")
            progress.update(task, latest=escape(line.removeprefix("[stack] ")[:60]))
            match = done.match(line)
            if match and match.group(1) not in finished:
                finished.add(match.group(1))
                progress.advance(task)

        return runner.run(args, on_line).returncode


@app.command()
def up(
    ctx: typer.Context,
    infra: Annotated[
        bool, typer.Option("--infra", help="Only Kafka, MongoDB, S3, traces, SMTP.")
    ] = False,
) -> None:
    """Fetch, build (cached) and start everything; waits until every port answers."""
    runner = _runner(ctx)
    total = len(runner.components(infra_only=infra))
    code = _run_with_progress(
        runner, ["up", *(["--infra"] if infra else [])], "Starting", total, _STARTED
    )
    if code != 0:
        raise fail(
            f"the stack did not come up (exit {code}); see the lines above and .stack/logs/", code
        )
    out.print(
        "[green]The stack is up.[/] Try `hromada stack status` or open http://127.0.0.1:8000/docs"
    )


@app.command()
def down(ctx: typer.Context) -> None:
    """Stop everything; data is kept."""
    runner = _runner(ctx)
    total = len(runner.components(infra_only=False))
    code = _run_with_progress(runner, ["down"], "Stopping", total, _STOPPED)
    if code != 0:
        raise fail(f"stopping the stack failed (exit {code})", code)
    out.print("[green]The stack is down[/] (data kept in .stack/).")


@app.command()
def status(
    ctx: typer.Context,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the raw JSON of stack.py.")
    ] = False,
) -> None:
    """Every component's endpoint and health."""
    lines: list[str] = []
    result = _runner(ctx).run(["status"], lines.append)
    if result.returncode != 0:
        raise fail(f"stack.py status failed (exit {result.returncode}): {' '.join(lines)[-300:]}")
    try:
        components = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise fail("stack.py status printed no JSON") from None
    if as_json:
        print_json(components)
        return
    table = Table(title="Hromada local stack")
    table.add_column("component", style="bold")
    table.add_column("health")
    table.add_column("endpoint")
    for name, info in components.items():
        healthy = "[green]● healthy[/]" if info.get("healthy") else "[red]● down[/]"
        table.add_row(escape(name), healthy, escape(str(info.get("url", ""))))
    out.print(table)
    down_count = sum(1 for info in components.values() if not info.get("healthy"))
    if down_count:
        out.print(f"[yellow]{down_count} component(s) down.[/] `hromada stack up` starts them.")
