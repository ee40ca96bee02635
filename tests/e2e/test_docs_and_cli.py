"""API docs at the gateway and the `hromada` CLI, on the running stack: `/docs` lists every
service, the merged OpenAPI holds the services' paths, AsyncAPI documents are served; the CLI
(run as the installed `hromada` command) issues working tokens, reads the stack's status and
onboards and lists councils through the gateway."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.stack import ROOT, Gateway, wait_for

pytestmark = pytest.mark.e2e

SERVICES = ("gateway", "appeals", "petitions", "budget", "queue", "payments", "notify")
HROMADA = str(Path(sys.executable).parent / "hromada")  # what `uv run hromada` runs


def hromada(gateway: Gateway, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "HROMADA_TOKEN"}
    env["HROMADA_GATEWAY_URL"] = gateway.url
    return subprocess.run(
        [HROMADA, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def merged_with_every_service(gateway: Gateway, seen: list[Any]) -> dict[str, Any] | None:
    """The merged document once appeals and notify are in it (a service may be restarting);
    `seen` keeps the last answer, so a timeout can say which services were missing and why."""
    response = gateway.http.get("/docs/openapi.json")
    if response.status_code != 200:
        seen[:] = [response.status_code]
        return None
    document = response.json()
    seen[:] = [document.get("x-unavailable-services")]
    paths = document.get("paths", {})
    has_notify = any(p.startswith("/api/v1/{tenant}/notify/") for p in paths)
    return document if "/api/v1/{tenant}/appeals" in paths and has_notify else None


def test_docs_page_lists_every_service(gateway: Gateway) -> None:
    response = gateway.http.get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    for service in SERVICES:
        assert f'<h2 id="{service}">' in response.text, service
    assert 'href="/docs/openapi.json"' in response.text
    assert 'href="/docs/asyncapi/appeals.json"' in response.text


def test_merged_openapi_holds_the_services_paths(gateway: Gateway) -> None:
    seen: list[Any] = []
    try:
        document = wait_for(
            lambda: merged_with_every_service(gateway, seen),
            timeout_s=60,
            interval_s=2,
            what="appeals and notify paths in /docs/openapi.json",
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last answer (unavailable services): {seen}") from None

    assert document["openapi"].startswith("3.")
    submit = document["paths"]["/api/v1/{tenant}/appeals"]["post"]
    assert submit["tags"] == ["appeals"]
    ref = submit["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/appeals_AppealCreate"
    assert "appeals_AppealCreate" in document["components"]["schemas"]
    assert "/api/v1/platform/tenants" in document["paths"]  # the gateway's own
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    json.dumps(document)


def test_asyncapi_documents_are_served(gateway: Gateway) -> None:
    response = gateway.http.get("/docs/asyncapi/appeals.json")
    assert response.status_code == 200
    document = response.json()
    assert document["asyncapi"].startswith("3.")
    assert "appeals.appeal.registered.v1" in document["channels"]

    for service in ("notify", "petitions"):
        assert gateway.http.get(f"/docs/asyncapi/{service}.json").status_code == 200, service

    missing = gateway.http.get("/docs/asyncapi/nobody.json")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")


def test_cli_token_is_accepted_by_the_services(gateway: Gateway, unique: str) -> None:
    result = hromada(gateway, "token", "--sub", f"cli-{unique}", "--acr", "substantial")

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert token.count(".") == 2 and "\n" not in token
    deliveries = gateway.http.get(
        "/api/v1/chernivtsi/notify/me/deliveries", headers={"Authorization": f"Bearer {token}"}
    )
    assert deliveries.status_code == 200, deliveries.text


def test_cli_stack_status_json(gateway: Gateway) -> None:
    result = hromada(gateway, "stack", "status", "--json")

    assert result.returncode == 0, result.stderr
    status = json.loads(result.stdout)
    assert set(SERVICES) <= set(status)
    assert status["gateway"]["url"] == gateway.url and status["gateway"]["healthy"] is True


def test_cli_tenant_list_shows_the_demo_councils(gateway: Gateway) -> None:
    result = hromada(gateway, "tenant", "list", "--json")

    assert result.returncode == 0, result.stderr
    slugs = {t["slug"] for t in json.loads(result.stdout)}
    assert {"chernivtsi", "uzhhorod", "kamianske"} <= slugs


def test_cli_onboards_a_council_changes_its_settings_and_seeds_it(
    gateway: Gateway, unique: str
) -> None:
    slug = f"cli-{unique}"
    created = hromada(
        gateway,
        "tenant",
        "create",
        slug,
        "--name-uk",
        "Тестова громада",
        "--name-en",
        "Test council",
        "--setting",
        "petition_threshold=321",
        "--json",
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["settings"]["petition_threshold"] == 321

    changed = hromada(gateway, "tenant", "settings", slug, "petition_threshold=400", "--json")
    assert changed.returncode == 0, changed.stderr
    assert json.loads(changed.stdout)["petition_threshold"] == 400

    seeded = hromada(gateway, "demo", "seed", "--tenant", slug, "--per-tenant", "2")
    assert seeded.returncode == 0, seeded.stderr
    assert seeded.stdout.count(f"{slug}") >= 2


def test_cli_reports_a_refused_council_with_the_field(gateway: Gateway) -> None:
    result = hromada(gateway, "tenant", "create", "docs", "--name-uk", "Зарезервована")

    assert result.returncode == 1
    assert "Error 422" in result.stderr and "slug" in result.stderr
