"""`hromada tenant create|list|settings`: councils through the platform API, as platform_admin
(HROMADA_TOKEN, or in dev a token the CLI asks the dev issuer for)."""

from __future__ import annotations

import json
from contextlib import closing
from typing import Annotated, Any
from urllib.parse import quote

import typer
from rich.markup import escape
from rich.table import Table

from hromada_cli.console import fail, out, print_json, reported_errors
from hromada_cli.settings_args import BadSetting, flatten, parse_settings
from hromada_cli.state import state_of

app = typer.Typer(help="Onboard and administer councils (tenants).", no_args_is_help=True)

TENANTS = "/api/v1/platform/tenants"
JsonOption = Annotated[bool, typer.Option("--json", help="Print the raw JSON answer.")]


def _settings_from(pairs: list[str]) -> dict[str, Any]:
    try:
        return parse_settings(pairs)
    except BadSetting as exc:
        raise fail(str(exc), code=2) from None


@app.command()
def create(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="Short name in URLs, e.g. 'bucha'.")],
    name_uk: Annotated[str, typer.Option("--name-uk", help="Official name in Ukrainian.")],
    name_en: Annotated[str | None, typer.Option("--name-en", help="Name in English.")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone for deadlines.")] = "Europe/Kyiv",
    locale: Annotated[str, typer.Option(help="Default language: uk or en.")] = "uk",
    setting: Annotated[
        list[str] | None,
        typer.Option("--setting", help="key=value, repeatable (petition_threshold=300)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Onboard a council; it serves requests at once."""
    name = {"uk": name_uk, **({"en": name_en} if name_en else {})}
    body = {
        "slug": slug,
        "name": name,
        "timezone": timezone,
        "locale": locale,
        "settings": _settings_from(setting or []),
    }
    with reported_errors(), closing(state_of(ctx).client()) as client:
        tenant = client.as_admin("POST", TENANTS, json=body)
    if as_json:
        print_json(tenant)
        return
    out.print(f"[green]Council [bold]{escape(slug)}[/bold] onboarded.[/]")
    _print_tenant(tenant)


@app.command("list")
def list_tenants(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every council (with its state, as platform_admin)."""
    with reported_errors(), closing(state_of(ctx).client()) as client:
        tenants = _all_pages(client.as_admin, TENANTS)
    if as_json:
        print_json(tenants)
        return
    table = Table(title=f"Councils ({len(tenants)})")
    for column in ("slug", "name (uk)", "name (en)", "time zone", "locale", "active"):
        table.add_column(column)
    for tenant in tenants:
        name = tenant.get("name") or {}
        active = tenant.get("active", True)
        table.add_row(
            f"[bold]{escape(str(tenant.get('slug', '')))}[/]",
            escape(str(name.get("uk", ""))),
            escape(str(name.get("en", ""))),
            escape(str(tenant.get("timezone", ""))),
            escape(str(tenant.get("locale", ""))),
            "[green]yes[/]" if active else "[red]no (read-only)[/]",
        )
    out.print(table)


@app.command()
def settings(
    ctx: typer.Context,
    slug: Annotated[str, typer.Argument(help="The council.")],
    pairs: Annotated[
        list[str] | None, typer.Argument(help="key=value to change; none: show the settings.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show a council's settings, or change the given ones (the others stay)."""
    changes = _settings_from(pairs or [])
    path = f"{TENANTS}/{quote(slug, safe='')}"
    with reported_errors(), closing(state_of(ctx).client()) as client:
        if changes:
            tenant = client.as_admin("PATCH", path, json={"settings": changes})
        else:
            tenant = client.as_admin("GET", path)
    current = tenant.get("settings") or {}
    if as_json:
        print_json(current)
        return
    if changes:
        out.print(f"[green]Settings of [bold]{escape(slug)}[/bold] changed.[/]")
    table = Table(title=f"Settings of {escape(slug)}")
    table.add_column("setting", style="bold")
    table.add_column("value")
    changed = {key for key, _ in flatten(changes)}
    for key, value in flatten(current):
        shown = escape(json.dumps(value, ensure_ascii=False))
        table.add_row(escape(key), f"[yellow]{shown}[/]" if key in changed else shown)
    out.print(table)


def _print_tenant(tenant: dict[str, Any]) -> None:
    table = Table(show_header=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in flatten({k: v for k, v in tenant.items() if k != "settings"}):
        table.add_row(escape(key), escape(str(value)))
    out.print(table)


def _all_pages(get: Any, path: str) -> list[dict[str, Any]]:
    """Follow `next_cursor` until the list ends."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = get("GET", path if cursor is None else f"{path}?cursor={quote(str(cursor))}")
        items.extend(page.get("items") or [])
        cursor = page.get("next_cursor")
        if not cursor:
            return items
