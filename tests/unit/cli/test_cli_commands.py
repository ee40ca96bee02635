"""`hromada` commands against a fake gateway and a fake stack script: what they send, what
they print, and that failures give a clear message and a non-zero exit code."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from typer.testing import Result

from tests.unit.cli.conftest import FakeGateway, FakeStack, problem

Hromada = Callable[..., Result]
TENANTS = "/api/v1/platform/tenants"


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


def tenant(slug: str, **extra: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": {"uk": f"Рада {slug}", "en": slug},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "active": True,
        "settings": {"petition_threshold": 250},
        **extra,
    }


# --------------------------------------------------------------------------- token


def test_token_prints_only_the_token_for_the_claims_asked(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    result = hromada(
        "token",
        "--sub",
        "off-1",
        "--role",
        "official",
        "--role",
        "tenant_admin",
        "--tenant",
        "chernivtsi",
        "--acr",
        "high",
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == "token-of-off-1-official+tenant_admin\n"
    claims = body_of(fake_gateway.sent("POST", "/auth/dev/token")[0])
    assert claims == {
        "sub": "off-1",
        "roles": ["official", "tenant_admin"],
        "acr": "high",
        "expires_in": 3600,
        "tenant": "chernivtsi",
    }


def test_token_defaults_to_a_citizen_and_json_shows_the_whole_answer(hromada: Hromada) -> None:
    result = hromada("token", "--sub", "c1", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["access_token"] == "token-of-c1-citizen"


def test_token_from_a_gateway_without_dev_identity_explains_what_to_do(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    fake_gateway.routes["POST", "/auth/dev/token"] = lambda r: problem(404, "Not found")
    result = hromada("token", "--sub", "c1")
    assert result.exit_code == 1
    assert "HROMADA_TOKEN" in result.stderr and result.stdout == ""


def test_an_unknown_role_is_a_usage_error(hromada: Hromada, fake_gateway: FakeGateway) -> None:
    result = hromada("token", "--sub", "c1", "--role", "mayor")
    assert result.exit_code == 2
    assert fake_gateway.requests == []


def test_unreachable_gateway_gives_a_hint_and_exit_1(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    fake_gateway.routes["POST", "/auth/dev/token"] = refuse
    result = hromada("--gateway", "http://gw.test:1", "token", "--sub", "c1")
    assert result.exit_code == 1
    assert "cannot reach the gateway at http://gw.test:1" in result.stderr
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- tenants


def test_tenant_create_posts_the_council_as_a_dev_platform_admin(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    fake_gateway.routes["POST", TENANTS] = lambda r: httpx.Response(201, json=tenant("bucha"))
    result = hromada(
        "tenant",
        "create",
        "bucha",
        "--name-uk",
        "Бучанська міська рада",
        "--name-en",
        "Bucha City Council",
        "--timezone",
        "Europe/Kyiv",
        "--setting",
        "petition_threshold=300",
        "--setting",
        "rate_limits.requests_per_minute=100",
    )

    assert result.exit_code == 0, result.output
    assert "bucha" in result.stdout and "onboarded" in result.stdout
    [sent] = fake_gateway.sent("POST", TENANTS)
    assert body_of(sent) == {
        "slug": "bucha",
        "name": {"uk": "Бучанська міська рада", "en": "Bucha City Council"},
        "timezone": "Europe/Kyiv",
        "locale": "uk",
        "settings": {"petition_threshold": 300, "rate_limits": {"requests_per_minute": 100}},
    }
    assert sent.headers["authorization"] == "Bearer token-of-hromada-cli-platform_admin"


def test_tenant_create_shows_the_problem_and_its_field_errors(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    fake_gateway.routes["POST", TENANTS] = lambda r: problem(
        422,
        "slug: 'docs' is reserved by the platform",
        [{"field": "slug", "message": "'docs' is reserved by the platform"}],
    )
    result = hromada("tenant", "create", "docs", "--name-uk", "Рада")

    assert result.exit_code == 1
    assert "Error 422" in result.stderr
    assert "slug: 'docs' is reserved by the platform" in result.stderr.replace("\n", " ")


def test_hromada_token_env_is_used_instead_of_a_dev_token(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    fake_gateway.routes["GET", TENANTS] = lambda r: httpx.Response(
        200, json={"items": [], "next_cursor": None}
    )
    result = hromada("tenant", "list", env={"HROMADA_TOKEN": "real-idp-token"})

    assert result.exit_code == 0, result.output
    assert fake_gateway.sent("POST", "/auth/dev/token") == []
    assert fake_gateway.sent("GET", TENANTS)[0].headers["authorization"] == "Bearer real-idp-token"


def test_tenant_list_follows_the_cursor_and_shows_every_council(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("cursor") == "c2":
            return httpx.Response(
                200, json={"items": [tenant("uzhhorod", active=False)], "next_cursor": None}
            )
        return httpx.Response(200, json={"items": [tenant("chernivtsi")], "next_cursor": "c2"})

    fake_gateway.routes["GET", TENANTS] = pages
    table = hromada("tenant", "list")
    raw = hromada("tenant", "list", "--json")

    assert table.exit_code == 0, table.output
    assert "chernivtsi" in table.stdout and "uzhhorod" in table.stdout
    assert "read-only" in table.stdout
    assert [t["slug"] for t in json.loads(raw.stdout)] == ["chernivtsi", "uzhhorod"]


def test_tenant_settings_without_pairs_shows_them(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    fake_gateway.routes["GET", f"{TENANTS}/bucha"] = lambda r: httpx.Response(
        200, json=tenant("bucha")
    )
    result = hromada("tenant", "settings", "bucha", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"petition_threshold": 250}
    assert fake_gateway.sent("PATCH", f"{TENANTS}/bucha") == []


def test_tenant_settings_with_pairs_patches_only_those(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    updated = tenant(
        "bucha", settings={"petition_threshold": 400, "rate_limits": {"requests_per_minute": 60}}
    )
    fake_gateway.routes["PATCH", f"{TENANTS}/bucha"] = lambda r: httpx.Response(200, json=updated)
    result = hromada(
        "tenant",
        "settings",
        "bucha",
        "petition_threshold=400",
        "rate_limits.requests_per_minute=60",
    )

    assert result.exit_code == 0, result.output
    [sent] = fake_gateway.sent("PATCH", f"{TENANTS}/bucha")
    assert body_of(sent) == {
        "settings": {"petition_threshold": 400, "rate_limits": {"requests_per_minute": 60}}
    }
    assert "rate_limits.requests_per_minute" in result.stdout and "400" in result.stdout


def test_a_malformed_setting_is_refused_before_any_request(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    result = hromada("tenant", "settings", "bucha", "petition_threshold")
    assert result.exit_code == 2
    assert "is not key=value" in result.stderr
    assert fake_gateway.requests == []


def test_a_forbidden_change_exits_non_zero(hromada: Hromada, fake_gateway: FakeGateway) -> None:
    fake_gateway.routes["PATCH", f"{TENANTS}/bucha"] = lambda r: problem(
        403, "Platform administrators only."
    )
    result = hromada(
        "tenant", "settings", "bucha", "petition_threshold=1", env={"HROMADA_TOKEN": "x"}
    )
    assert result.exit_code == 1
    assert "Error 403: Platform administrators only." in result.stderr


# --------------------------------------------------------------------------- demo seed


def test_demo_seed_files_appeals_as_demo_citizens_in_the_active_demo_councils(
    hromada: Hromada, fake_gateway: FakeGateway
) -> None:
    fake_gateway.routes["GET", TENANTS] = lambda r: httpx.Response(
        200, json={"items": [tenant("chernivtsi"), tenant("kamianske"), tenant("bucha")]}
    )
    numbers = iter(range(1, 100))
    for slug in ("chernivtsi", "kamianske"):
        fake_gateway.routes["POST", f"/api/v1/{slug}/appeals"] = lambda r: httpx.Response(
            201, json={"number": f"CH-2026-{next(numbers)}"}
        )
    result = hromada("demo", "seed", "--per-tenant", "2")

    assert result.exit_code == 0, result.output
    filed = [r for r in fake_gateway.requests if r.url.path.endswith("/appeals")]
    assert [r.url.path for r in filed] == ["/api/v1/chernivtsi/appeals"] * 2 + [
        "/api/v1/kamianske/appeals"
    ] * 2
    assert [r.headers["idempotency-key"] for r in filed] == [
        "demo-seed-chernivtsi-0",
        "demo-seed-chernivtsi-1",
        "demo-seed-kamianske-0",
        "demo-seed-kamianske-1",
    ]
    assert filed[0].headers["authorization"] == "Bearer token-of-demo-citizen-1-citizen"
    assert filed[1].headers["authorization"] == "Bearer token-of-demo-citizen-2-citizen"
    assert {"kind", "subject", "text", "address", "email"} == set(body_of(filed[0]))
    assert "CH-2026-4" in result.stdout


def test_demo_seed_stops_at_the_first_refusal(hromada: Hromada, fake_gateway: FakeGateway) -> None:
    fake_gateway.routes["POST", "/api/v1/uzhhorod/appeals"] = lambda r: problem(
        422, "email: not an email address", [{"field": "email", "message": "not an email address"}]
    )
    result = hromada("demo", "seed", "--tenant", "uzhhorod")
    assert result.exit_code == 1
    assert "email" in result.stderr
    assert len(fake_gateway.sent("POST", "/api/v1/uzhhorod/appeals")) == 1


# --------------------------------------------------------------------------- stack


STATUS = {
    "gateway": {"url": "http://127.0.0.1:8000", "healthy": True},
    "kafka": {"url": "127.0.0.1:9092", "healthy": False},
}


def test_stack_status_json_prints_what_stack_py_said(
    hromada: Hromada, fake_stack: FakeStack
) -> None:
    fake_stack.stdout = json.dumps(STATUS)
    result = hromada("stack", "status", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == STATUS
    assert fake_stack.calls == [["status"]]


def test_stack_status_table_marks_what_is_down(hromada: Hromada, fake_stack: FakeStack) -> None:
    fake_stack.stdout = json.dumps(STATUS)
    result = hromada("stack", "status")
    assert result.exit_code == 0
    assert (
        "healthy" in result.stdout
        and "down" in result.stdout
        and "1 component(s) down" in result.stdout
    )


def test_stack_status_failure_exits_non_zero(hromada: Hromada, fake_stack: FakeStack) -> None:
    fake_stack.returncode, fake_stack.lines = 1, ["[stack] boom"]
    result = hromada("stack", "status")
    assert result.exit_code == 1 and "boom" in result.stderr


def test_stack_up_streams_progress_and_passes_infra(
    hromada: Hromada, fake_stack: FakeStack
) -> None:
    fake_stack.lines = [
        "[stack] kafka: ready at 127.0.0.1:9092 (3s)",
        "[stack] mongodb: already running (pid 7), healthy",
        "[stack] up: all infrastructure components ready in 4s",
    ]
    result = hromada("stack", "up", "--infra")

    assert result.exit_code == 0, result.output
    assert fake_stack.calls == [["up", "--infra"]]
    assert "kafka: ready at" in result.stderr
    assert "The stack is up" in result.stdout


def test_stack_up_failure_keeps_the_exit_code(hromada: Hromada, fake_stack: FakeStack) -> None:
    fake_stack.returncode, fake_stack.lines = 3, ["[stack] up FAILED for: kafka (after 9s)"]
    result = hromada("stack", "up")
    assert result.exit_code == 3
    assert "did not come up" in result.stderr


def test_stack_down(hromada: Hromada, fake_stack: FakeStack) -> None:
    fake_stack.lines = ["[stack] gateway: stopped (pid 5, 0s)"]
    result = hromada("stack", "down")
    assert result.exit_code == 0 and fake_stack.calls == [["down"]]
