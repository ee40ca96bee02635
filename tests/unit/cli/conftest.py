"""CLI unit fixtures: a fake gateway behind httpx.MockTransport that records every request,
and a fake local-stack script; commands run in typer's CliRunner, no server anywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner, Result

from hromada_cli.main import app
from hromada_cli.stack_runner import StackRun
from hromada_cli.state import CliState

Handler = Callable[[httpx.Request], httpx.Response]


def problem(status: int, detail: str, errors: list[dict[str, str]] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"type": "about:blank", "title": "x", "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


@dataclass
class FakeGateway:
    """Routes (method, path) to handlers; every request is kept for the test to inspect."""

    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.routes.setdefault(("POST", "/auth/dev/token"), self.issue_token)

    @staticmethod
    def issue_token(request: httpx.Request) -> httpx.Response:
        claims = json.loads(request.content)
        token = "token-of-" + claims["sub"] + "-" + "+".join(claims.get("roles", []))
        return httpx.Response(200, json={"access_token": token, "token_type": "Bearer"})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handler = self.routes.get((request.method, request.url.path))
        return handler(request) if handler else problem(404, "no such route in the fake")

    def sent(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]


@dataclass
class FakeStack:
    """Stands in for deploy/local/stack.py: canned progress lines, stdout and exit code."""

    lines: list[str] = field(default_factory=list)
    stdout: str = ""
    returncode: int = 0
    calls: list[list[str]] = field(default_factory=list)

    def run(self, args: list[str], on_line: Callable[[str], None]) -> StackRun:
        self.calls.append(args)
        for line in self.lines:
            on_line(line)
        return StackRun(self.returncode, self.stdout)

    def components(self, infra_only: bool) -> list[str]:
        return ["kafka", "mongodb"] if infra_only else ["gateway", "kafka", "mongodb", "appeals"]


@pytest.fixture(autouse=True)
def no_ambient_config(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HROMADA_TOKEN", raising=False)
    monkeypatch.delenv("HROMADA_GATEWAY_URL", raising=False)


@pytest.fixture
def fake_gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def fake_stack() -> FakeStack:
    return FakeStack()


@pytest.fixture
def hromada(fake_gateway: FakeGateway, fake_stack: FakeStack) -> Callable[..., Result]:
    """Run `hromada ARGS...` against the fakes."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        state = CliState(transport=httpx.MockTransport(fake_gateway), stack=fake_stack)
        return CliRunner().invoke(app, list(args), obj=state, env=env)

    return run
