"""API docs at the gateway: the OpenAPI merge (prefixed components, rewritten refs, clashes),
services that are down, the snapshot cache, and the public /docs routes."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from gateway.docs.catalog import DocsCatalog
from gateway.docs.merge import is_public_path, merge_openapi, rewrite_refs
from tests.unit.gateway.conftest import build_gateway

SERVICE_URLS = {
    "appeals": "http://appeals.test",
    "petitions": "http://petitions.test",
    "budget": "http://budget.test",
    "queue": "http://queue.test",
    "payments": "http://payments.test",
    "notify": "http://notify.test",
    "bot": "http://bot.test",
}


def openapi(paths: dict[str, Any], schemas: dict[str, Any] | None = None, title: str = "") -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": title or "svc", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas or {}},
    }


def operation(op_id: str, ref: str | None = None, summary: str = "") -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "description": summary}
    if ref:
        op["responses"] = {"200": {"content": {"application/json": {"schema": {"$ref": ref}}}}}
    return op


APPEALS = openapi(
    {
        "/api/v1/{tenant}/appeals": {
            "post": operation("submit_appeal", "#/components/schemas/Problem")
        },
        "/api/v1/{tenant}/appeals/{appeal_id}": {
            "get": operation("get_appeal", "#/components/schemas/AppealView", "One appeal.")
        },
        "/internal/figures": {"get": operation("internal_figures", "#/components/schemas/Figures")},
    },
    {
        "AppealView": {
            "type": "object",
            "properties": {
                "history": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}}
            },
        },
        "Step": {"type": "object"},
        "Figures": {"type": "object"},  # only the internal route uses it
        "Unused": {"type": "object"},
        "Problem": {"type": "object", "properties": {"detail": {"type": "string"}}},
    },
    title="Hromada appeals",
)
NOTIFY = openapi(
    {
        "/api/v1/{tenant}/notify/me/deliveries": {
            "get": operation("get_appeal", "#/components/schemas/Kind")  # same operationId
        },
        "/api/v1/{tenant}/appeals": {"post": operation("hijack")},  # not notify's to serve
    },
    {
        "Problem": {"type": "object", "properties": {"code": {"type": "integer"}}},
        "Kind": {
            "oneOf": [{"$ref": "#/components/schemas/Problem"}],
            "discriminator": {
                "propertyName": "k",
                "mapping": {"p": "#/components/schemas/Problem"},
            },
        },
    },
)
GATEWAY = openapi({"/api/v1/platform/tenants": {"get": operation("list_tenants")}})


def test_the_proxied_prefix_decides_which_paths_a_service_contributes() -> None:
    assert is_public_path("appeals", "/api/v1/{tenant}/appeals")
    assert is_public_path("appeals", "/api/v1/{slug}/appeals/{id}")
    assert not is_public_path("appeals", "/api/v1/{tenant}/appeals-extra")
    assert not is_public_path("appeals", "/internal/figures")
    assert not is_public_path("notify", "/api/v1/{tenant}/appeals")
    assert is_public_path("gateway", "/auth/dev/token")


def test_components_are_prefixed_per_service_and_refs_follow() -> None:
    merged = merge_openapi([("gateway", GATEWAY), ("appeals", APPEALS), ("notify", NOTIFY)])

    schemas = merged["components"]["schemas"]
    assert {"appeals_AppealView", "appeals_Step", "appeals_Problem", "notify_Problem"} <= set(
        schemas
    )
    # Both services call a schema Problem; each keeps its own.
    assert "detail" in schemas["appeals_Problem"]["properties"]
    assert "code" in schemas["notify_Problem"]["properties"]
    # Refs inside components, inside operations and in discriminator mappings are rewritten.
    assert schemas["appeals_AppealView"]["properties"]["history"]["items"] == {
        "$ref": "#/components/schemas/appeals_Step"
    }
    assert schemas["notify_Kind"]["discriminator"]["mapping"] == {
        "p": "#/components/schemas/notify_Problem"
    }
    get_appeal = merged["paths"]["/api/v1/{tenant}/appeals/{appeal_id}"]["get"]
    schema = get_appeal["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/appeals_AppealView"}
    every_ref = _refs(merged)
    assert every_ref and all(ref.split("/")[-1] in schemas for ref in every_ref)


def test_only_components_the_public_paths_reach_are_kept() -> None:
    merged = merge_openapi([("appeals", APPEALS), ("notify", NOTIFY)])

    schemas = merged["components"]["schemas"]
    assert "appeals_Step" in schemas  # reached through AppealView
    assert "notify_Problem" in schemas  # reached through Kind's oneOf and mapping
    assert "appeals_Figures" not in schemas and "appeals_Unused" not in schemas


def test_clashing_operations_keep_the_first_and_operation_ids_stay_unique() -> None:
    merged = merge_openapi([("gateway", GATEWAY), ("appeals", APPEALS), ("notify", NOTIFY)])

    assert merged["paths"]["/api/v1/{tenant}/appeals"]["post"]["operationId"] == "submit_appeal"
    assert "/internal/figures" not in merged["paths"]
    deliveries = merged["paths"]["/api/v1/{tenant}/notify/me/deliveries"]["get"]
    assert deliveries["operationId"] == "notify_get_appeal"
    ids = [op["operationId"] for item in merged["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_merged_document_is_openapi_3_1_with_service_tags_and_bearer_auth() -> None:
    originals = copy.deepcopy([GATEWAY, APPEALS, NOTIFY])
    merged = merge_openapi(
        [("gateway", GATEWAY), ("appeals", APPEALS), ("notify", NOTIFY)],
        unavailable={"budget": "unreachable (ConnectError)"},
    )

    assert merged["openapi"] == "3.1.0"
    assert [t["name"] for t in merged["tags"]] == ["gateway", "appeals", "notify"]
    assert merged["paths"]["/api/v1/{tenant}/appeals"]["post"]["tags"] == ["appeals"]
    assert merged["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert {"bearerAuth": []} in merged["security"]
    assert merged["x-unavailable-services"] == {"budget": "unreachable (ConnectError)"}
    assert "budget" in merged["info"]["description"]
    assert originals == [GATEWAY, APPEALS, NOTIFY]  # the inputs are not mutated
    json.dumps(merged)  # serialisable as it is


def test_operations_are_grouped_under_their_service_keeping_their_own_tags() -> None:
    staff = {**operation("answer_appeal"), "tags": ["appeals: staff workflow"]}
    dev = {**operation("issue_dev_token"), "tags": ["dev identity"]}
    merged = merge_openapi(
        [
            ("gateway", openapi({"/auth/dev/token": {"post": dev}})),
            ("appeals", openapi({"/api/v1/{tenant}/appeals/{id}/answer": {"post": staff}})),
        ]
    )

    assert merged["paths"]["/auth/dev/token"]["post"]["tags"] == ["gateway: dev identity"]
    answer = merged["paths"]["/api/v1/{tenant}/appeals/{id}/answer"]["post"]
    assert answer["tags"] == ["appeals: staff workflow"]
    assert [t["name"] for t in merged["tags"]] == [
        "gateway",
        "gateway: dev identity",
        "appeals",
        "appeals: staff workflow",
    ]


def test_external_and_security_scheme_refs_are_left_alone() -> None:
    node = {
        "a": {"$ref": "https://example.org/x.json"},
        "b": {"$ref": "#/components/securitySchemes/k"},
    }
    assert rewrite_refs(node, "svc_") == node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


# --------------------------------------------------------------------------- upstreams


class Upstreams:
    """Fake services: appeals and notify answer, budget refuses connections, queue fails,
    payments answers with something that is not OpenAPI, petitions answers with an empty API."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.calls.append(host)
        if request.url.path != "/schema/openapi.json":
            return httpx.Response(404)
        if host == "budget.test":
            raise httpx.ConnectError("connection refused", request=request)
        if host == "queue.test":
            return httpx.Response(500, text="boom")
        if host == "payments.test":
            return httpx.Response(200, json={"served": "not a spec"})
        documents = {
            "appeals.test": APPEALS,
            "notify.test": NOTIFY,
            "petitions.test": openapi({}),
            "bot.test": openapi({}),
        }
        return httpx.Response(200, json=documents[host])


@pytest.fixture
def asyncapi_dir(tmp_path: Path) -> Path:
    spec = {
        "asyncapi": "3.0.0",
        "channels": {
            "appeals.appeal.registered.v1": {
                "address": "hromada.appeals.appeal",
                "description": "<b>registered</b>",
            }
        },
        "operations": {
            "appeals.appeal.registered.v1": {
                "action": "send",
                "channel": {"$ref": "#/channels/appeals.appeal.registered.v1"},
            }
        },
    }
    (tmp_path / "appeals.json").write_text(json.dumps(spec))
    (tmp_path / "notify.json").write_text(json.dumps({"asyncapi": "3.0.0", "channels": {}}))
    return tmp_path


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def gateway_doc() -> dict[str, Any]:
    return GATEWAY


async def test_services_that_are_down_are_listed_and_skipped(asyncapi_dir: Path) -> None:
    catalog = DocsCatalog(
        SERVICE_URLS, asyncapi_dir=asyncapi_dir, transport=httpx.MockTransport(Upstreams())
    )
    snapshot = await catalog.snapshot(gateway_doc)

    down = {s.name: s.unavailable_reason for s in snapshot.services if not s.available}
    assert set(down) == {"budget", "queue", "payments"}
    assert "ConnectError" in str(down["budget"]) and "500" in str(down["queue"])
    assert [s.name for s in snapshot.services] == ["gateway", *SERVICE_URLS]
    assert set(snapshot.merged["x-unavailable-services"]) == {"budget", "queue", "payments"}
    assert "/api/v1/{tenant}/appeals" in snapshot.merged["paths"]
    assert "/api/v1/platform/tenants" in snapshot.merged["paths"]
    assert [t["name"] for t in snapshot.merged["tags"]] == [
        "gateway",
        "appeals",
        "petitions",
        "notify",
        "bot",
    ]


async def test_the_snapshot_is_cached_for_its_ttl(asyncapi_dir: Path) -> None:
    upstreams, clock = Upstreams(), Clock()
    catalog = DocsCatalog(
        SERVICE_URLS,
        asyncapi_dir=asyncapi_dir,
        cache_ttl_s=15,
        transport=httpx.MockTransport(upstreams),
        clock=clock,
    )
    first = await catalog.snapshot(gateway_doc)
    clock.now += 14
    assert await catalog.snapshot(gateway_doc) is first
    assert len(upstreams.calls) == len(SERVICE_URLS)
    clock.now += 2
    assert await catalog.snapshot(gateway_doc) is not first
    assert len(upstreams.calls) == 2 * len(SERVICE_URLS)


async def test_public_names_served_by_one_deployment_are_fetched_once(asyncapi_dir: Path) -> None:
    calls: list[str] = []
    shared = openapi(
        {
            "/api/v1/{tenant}/appeals": {"post": operation("submit_appeal")},
            "/api/v1/{tenant}/open311/v2/requests.json": {"post": operation("create_request")},
        }
    )

    def appeals_deployment(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json=shared)

    urls = {"appeals": "http://appeals.test", "open311": "http://appeals.test"}
    catalog = DocsCatalog(
        urls, asyncapi_dir=asyncapi_dir, transport=httpx.MockTransport(appeals_deployment)
    )
    paths = (await catalog.snapshot(gateway_doc)).merged["paths"]

    assert calls == ["http://appeals.test/schema/openapi.json"]
    assert paths["/api/v1/{tenant}/appeals"]["post"]["tags"] == ["appeals"]
    assert paths["/api/v1/{tenant}/open311/v2/requests.json"]["post"]["tags"] == ["open311"]


def test_asyncapi_is_served_only_for_known_services(asyncapi_dir: Path) -> None:
    catalog = DocsCatalog(SERVICE_URLS, asyncapi_dir=asyncapi_dir)
    assert json.loads(catalog.asyncapi("appeals") or b"")["asyncapi"] == "3.0.0"
    assert catalog.asyncapi("budget") is None  # known, but no document committed
    assert catalog.asyncapi("../appeals") is None
    assert catalog.asyncapi("gateway") is None  # no document in this directory
    (asyncapi_dir / "gateway.json").write_text('{"asyncapi": "3.0.0"}')
    (asyncapi_dir / "stranger.json").write_text('{"asyncapi": "3.0.0"}')
    assert catalog.asyncapi("gateway") is not None  # the gateway publishes tenant events
    assert catalog.asyncapi("stranger") is None  # a file alone does not make a service


# --------------------------------------------------------------------------- routes


@pytest.fixture
async def docs_client(dev_key_file: Path, asyncapi_dir: Path) -> Any:
    upstreams = Upstreams()
    urls = {f"{name}_url": url for name, url in SERVICE_URLS.items()}
    app = build_gateway(
        dev_key_file, httpx.MockTransport(upstreams), asyncapi_dir=asyncapi_dir, **urls
    )
    async with AsyncTestClient(app) as client:
        yield client


async def test_docs_page_lists_every_service_with_status_links_and_operations(
    docs_client: Any,
) -> None:
    response = await docs_client.get("/docs")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for name in ("gateway", "appeals", "petitions", "budget", "queue", "payments", "notify"):
        assert f'id="{name}"' in page
    assert page.count("● unavailable") == 2 * 3  # in the contents and in each section
    assert 'href="/docs/openapi/appeals.json"' in page
    assert 'href="/docs/openapi/budget.json"' not in page
    assert 'href="/docs/asyncapi/appeals.json"' in page
    assert "/api/v1/{tenant}/appeals/{appeal_id}" in page and "One appeal." in page
    assert "/internal/figures" not in page
    assert "List tenants" in page  # Litestar's CamelCase summary, made readable
    assert "hromada.appeals.appeal" in page and "&lt;b&gt;registered&lt;/b&gt;" in page
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script" not in csp and "<script" not in page


async def test_upstream_text_is_escaped_on_the_page(dev_key_file: Path, asyncapi_dir: Path) -> None:
    evil = openapi(
        {"/api/v1/{tenant}/appeals": {"get": operation("x", summary="<script>alert(1)</script>")}}
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=evil))
    async with AsyncTestClient(
        build_gateway(dev_key_file, transport, asyncapi_dir=asyncapi_dir)
    ) as client:
        page = (await client.get("/docs")).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_merged_openapi_route(docs_client: Any) -> None:
    response = await docs_client.get("/docs/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/{tenant}/appeals" in document["paths"]
    assert "/api/v1/{tenant}/notify/me/deliveries" in document["paths"]
    assert "/auth/dev/token" in document["paths"]  # the gateway's own, taken in-process
    assert not any(path.startswith("/docs") for path in document["paths"])


async def test_one_service_openapi_route(docs_client: Any) -> None:
    appeals = await docs_client.get("/docs/openapi/appeals.json")
    assert appeals.status_code == 200 and appeals.json() == APPEALS
    down = await docs_client.get("/docs/openapi/budget.json")
    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    unknown = await docs_client.get("/docs/openapi/nobody.json")
    assert unknown.status_code == 404


async def test_asyncapi_routes(docs_client: Any) -> None:
    served = await docs_client.get("/docs/asyncapi/appeals.json")
    assert served.status_code == 200 and served.json()["asyncapi"] == "3.0.0"
    for path in (
        "/docs/asyncapi/nobody.json",
        "/docs/asyncapi/appeals.yaml",
        "/docs/asyncapi/budget.json",
    ):
        missing = await docs_client.get(path)
        assert missing.status_code == 404, path
        assert missing.headers["content-type"] == "application/problem+json"


async def test_viewer_sets_its_own_csp_for_the_cdn(docs_client: Any) -> None:
    page = await docs_client.get("/docs/viewer")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' https://cdn.jsdelivr.net" in csp and "unsafe-eval" not in csp
    assert '<script src="/docs/viewer.js">' in page.text
    script = await docs_client.get("/docs/viewer.js")
    assert "/docs/openapi.json" in script.text


async def test_a_gateway_schema_that_cannot_be_built_is_listed_not_raised(
    asyncapi_dir: Path,
) -> None:
    async def broken() -> dict[str, Any]:
        raise ValueError("operation_ids must be unique")

    catalog = DocsCatalog(
        SERVICE_URLS, asyncapi_dir=asyncapi_dir, transport=httpx.MockTransport(Upstreams())
    )
    snapshot = await catalog.snapshot(broken)

    gateway = snapshot.service("gateway")
    assert gateway is not None and not gateway.available
    assert "ValueError" in str(gateway.unavailable_reason)
    assert "/api/v1/{tenant}/appeals" in snapshot.merged["paths"]
