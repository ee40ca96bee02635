"""`hromada demo seed`: a few appeals filed by demo citizens in the demo councils, through the
gateway like any frontend would, so a newcomer opens the suite and sees data. Each appeal has a
fixed Idempotency-Key, so seeding twice files nothing twice."""

from __future__ import annotations

from contextlib import closing
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from hromada_cli.console import err, fail, out, reported_errors
from hromada_cli.gateway import GatewayClient
from hromada_cli.state import state_of

app = typer.Typer(help="Demo data for a fresh local stack.", no_args_is_help=True)

DEMO_TENANTS = ("chernivtsi", "uzhhorod", "kamianske")
DEMO_CITIZENS = (
    ("demo-citizen-1", "Олена Коваль"),
    ("demo-citizen-2", "Тарас Мельник"),
    ("demo-citizen-3", "Ірина Бондаренко"),
)
DEMO_APPEALS = (
    {
        "kind": "statement",
        "subject": "Ремонт дороги на вул. Головній",
        "text": "Прошу відремонтувати дорогу: вибоїни небезпечні для пішоходів і водіїв.",
        "address": "вул. Головна, 1",
    },
    {
        "kind": "proposal",
        "subject": "Велодоріжка до парку",
        "text": "Пропоную облаштувати велодоріжку від центру міста до міського парку.",
        "address": "вул. Паркова, 12",
    },
    {
        "kind": "complaint",
        "subject": "Не працює вуличне освітлення",
        "text": "Третій тиждень не світять ліхтарі у дворі, ввечері там небезпечно.",
        "address": "просп. Незалежності, 40",
    },
)


@app.command()
def seed(
    ctx: typer.Context,
    tenant: Annotated[
        list[str] | None, typer.Option("--tenant", help="Council to seed (repeatable).")
    ] = None,
    per_tenant: Annotated[int, typer.Option(min=1, max=len(DEMO_APPEALS))] = len(DEMO_APPEALS),
) -> None:
    """File demo appeals as demo citizens into the demo councils."""
    with reported_errors(), closing(state_of(ctx).client()) as client:
        tenants = list(tenant or _active_demo_tenants(client))
        if not tenants:
            raise fail("none of the demo councils is active on this gateway; pass --tenant")
        filed = _file_appeals(client, tenants, per_tenant)
    table = Table(title=f"Demo appeals ({len(filed)})")
    for column in ("council", "number", "subject", "citizen"):
        table.add_column(column)
    for row in filed:
        table.add_row(*(escape(value) for value in row))
    out.print(table)
    out.print("Each citizen got a registration email: see .stack/mail/ of the local stack.")


def _active_demo_tenants(client: GatewayClient) -> list[str]:
    page = client.request("GET", "/api/v1/platform/tenants")
    active = {str(t.get("slug")) for t in page.get("items") or []}
    return [slug for slug in DEMO_TENANTS if slug in active]


def _file_appeals(
    client: GatewayClient, tenants: list[str], per_tenant: int
) -> list[tuple[str, ...]]:
    jobs = [(slug, i) for slug in tenants for i in range(per_tenant)]
    tokens: dict[tuple[str, str], str] = {}
    filed: list[tuple[str, ...]] = []
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]Filing demo appeals"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[dim]{task.fields[now]}"),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("seed", total=len(jobs), now="")
        for slug, i in jobs:
            sub, name = DEMO_CITIZENS[i % len(DEMO_CITIZENS)]
            appeal = DEMO_APPEALS[i]
            progress.update(task, now=f"{slug}: {appeal['subject']}")
            if (slug, sub) not in tokens:
                claims = _citizen_claims(sub, name, slug)
                tokens[slug, sub] = str(client.dev_token(claims)["access_token"])
            body: dict[str, Any] = {**appeal, "email": f"{sub}@example.ua"}
            answer = client.request(
                "POST",
                f"/api/v1/{slug}/appeals",
                json=body,
                token=tokens[slug, sub],
                headers={"Idempotency-Key": f"demo-seed-{slug}-{i}"},
            )
            filed.append((slug, str(answer.get("number", "?")), appeal["subject"], name))
            progress.advance(task)
    return filed


def _citizen_claims(sub: str, name: str, tenant: str) -> dict[str, Any]:
    return {
        "sub": sub,
        "name": name,
        "roles": ["citizen"],
        "acr": "substantial",
        "residence": tenant,
    }
