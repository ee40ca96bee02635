"""Runs `deploy/local/stack.py` of the checkout with the repository's own Python, streaming its
progress lines (stderr) to a callback and handing back what it printed on stdout."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

STACK_SCRIPT = Path("deploy") / "local" / "stack.py"


@dataclass(frozen=True)
class StackRun:
    returncode: int
    stdout: str


class StackRunner(Protocol):
    """The local stack script, or a fake of it in unit tests."""

    def run(self, args: list[str], on_line: Callable[[str], None]) -> StackRun: ...

    def components(self, infra_only: bool) -> list[str]: ...


class StackScriptMissing(Exception):
    """The CLI runs outside a Hromada checkout."""


@dataclass(frozen=True)
class ScriptStackRunner:
    """`<repo>/.venv/bin/python deploy/local/stack.py ...` in the repository root."""

    repo: Path
    python: str

    @classmethod
    def for_checkout(cls) -> ScriptStackRunner:
        repo = _find_repo()
        venv_python = repo / ".venv" / "bin" / "python"
        return cls(repo, str(venv_python) if venv_python.exists() else sys.executable)

    def run(self, args: list[str], on_line: Callable[[str], None]) -> StackRun:
        # The script and its arguments are ours; nothing here comes from a shell.
        process = subprocess.Popen(  # noqa: S603
            [self.python, str(self.repo / STACK_SCRIPT), *args],
            cwd=self.repo,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        progress, results = process.stderr, process.stdout
        assert progress is not None and results is not None
        stdout: list[str] = []
        # stack.py writes progress to stderr and results to stdout; drain both at once so
        # neither pipe can fill up and stall it.
        reader = threading.Thread(target=lambda: stdout.append(results.read()))
        reader.start()
        for line in progress:
            on_line(line.rstrip("\n"))
        reader.join()
        return StackRun(process.wait(), "".join(stdout))

    def components(self, infra_only: bool) -> list[str]:
        """The component names, read from the script itself (it is stdlib-only, importable)."""
        spec = importlib.util.spec_from_file_location("hromada_stack", self.repo / STACK_SCRIPT)
        if spec is None or spec.loader is None:
            return []
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return list(module.INFRA if infra_only else module.STATUS_ORDER)


def _find_repo() -> Path:
    """The checkout this package lives in, else the nearest one above the working directory."""
    candidates = [Path(__file__).resolve().parents[1], *Path.cwd().resolve().parents]
    candidates.insert(1, Path.cwd().resolve())
    for candidate in candidates:
        if (candidate / STACK_SCRIPT).is_file():
            return candidate
    raise StackScriptMissing(
        f"{STACK_SCRIPT} not found: run `hromada stack` inside a Hromada checkout"
    )
