"""What every command gets from the top-level options: where the gateway is, and (in tests)
the fakes that stand in for the network and the local stack script."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import typer

from hromada_cli.gateway import DEFAULT_GATEWAY_URL, GatewayClient
from hromada_cli.stack_runner import ScriptStackRunner, StackRunner


@dataclass
class CliState:
    gateway_url: str = DEFAULT_GATEWAY_URL
    transport: httpx.BaseTransport | None = None
    stack: StackRunner | None = None

    def client(self) -> GatewayClient:
        return GatewayClient(self.gateway_url, transport=self.transport)

    def stack_runner(self) -> StackRunner:
        if self.stack is None:
            self.stack = ScriptStackRunner.for_checkout()
        return self.stack


def state_of(ctx: typer.Context) -> CliState:
    return ctx.ensure_object(CliState)
