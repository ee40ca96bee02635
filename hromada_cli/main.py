"""Entry point of the `hromada` command: the local stack, councils, demo data, dev tokens."""

from __future__ import annotations

from contextlib import closing
from enum import StrEnum
from typing import Annotated

import typer

from hromada_cli import demo, init, stack, tenants
from hromada_cli.console import print_json, reported_errors
from hromada_cli.gateway import DEFAULT_GATEWAY_URL
from hromada_cli.state import state_of

app = typer.Typer(
    name="hromada",
    help="Hromada: run the local stack and administer the platform.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold tokens
)
app.add_typer(stack.app, name="stack")
app.add_typer(tenants.app, name="tenant")
app.add_typer(demo.app, name="demo")
app.command(name="init")(init.init_command)


class Role(StrEnum):
    citizen = "citizen"
    official = "official"
    tenant_admin = "tenant_admin"
    platform_admin = "platform_admin"


class Assurance(StrEnum):
    """acr: low = email, substantial = BankID, high = qualified e-signature."""

    low = "low"
    substantial = "substantial"
    high = "high"


@app.callback()
def main(
    ctx: typer.Context,
    gateway: Annotated[
        str,
        typer.Option(envvar="HROMADA_GATEWAY_URL", help="Base URL of the gateway."),
    ] = DEFAULT_GATEWAY_URL,
) -> None:
    """Hromada: run the local stack and administer the platform."""
    state_of(ctx).gateway_url = gateway


@app.command()
def token(
    ctx: typer.Context,
    sub: Annotated[str, typer.Option(help="Subject (the user's id at the IdP).")],
    role: Annotated[list[Role] | None, typer.Option(help="Role, repeatable.")] = None,
    tenant: Annotated[str | None, typer.Option(help="Council of a staff member.")] = None,
    acr: Annotated[Assurance, typer.Option(help="Assurance level.")] = Assurance.low,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    residence: Annotated[str | None, typer.Option(help="Council the citizen lives in.")] = None,
    expires_in: Annotated[int, typer.Option(min=1, help="Lifetime in seconds.")] = 3600,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole answer.")] = False,
) -> None:
    """A dev access token from the gateway (dev/test only); prints just the token."""
    claims = {
        "sub": sub,
        "roles": [r.value for r in role or [Role.citizen]],
        "acr": acr.value,
        "expires_in": expires_in,
        **{k: v for k, v in {"tenant": tenant, "name": name, "residence": residence}.items() if v},
    }
    with reported_errors(), closing(state_of(ctx).client()) as client:
        answer = client.dev_token(claims)
    if as_json:
        print_json(answer)
    else:
        typer.echo(answer["access_token"])


if __name__ == "__main__":
    app()
