"""The Helm chart, offline: lint, render with the default and the production-like values,
validate strictly against Kubernetes 1.33, and hold the invariants a cluster relies on.
Each invariant also meets a broken manifest or values file, to show it can fail."""

from __future__ import annotations

import copy
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.chart.invariants import (
    INVARIANTS,
    check_availability,
    check_commands_exist,
    check_labels,
    check_no_secret_values,
    check_only_gateway_is_public,
    check_probes,
    check_resources,
    check_security,
)
from tests.chart.render import (
    CHART,
    KUBERNETES_VERSION,
    PRODUCTION_VALUES,
    HelmError,
    Manifest,
    lint,
    of_kind,
    render,
    run_helm,
    validate_strict,
)

VALUE_SETS = {"default": (), "production": (PRODUCTION_VALUES,)}


@pytest.fixture(scope="module", params=list(VALUE_SETS))
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[Manifest]]:
    return request.param, render(*VALUE_SETS[request.param])


@pytest.fixture(scope="module")
def default_docs() -> list[Manifest]:
    return render()


def metrics_from(values_name: str) -> tuple[Manifest, ...]:
    files = [CHART / "values.yaml", *VALUE_SETS[values_name]]
    peers: list[Manifest] = []
    for f in files:
        peers = yaml.safe_load(f.read_text()).get("networkPolicy", {}).get("metricsFrom", peers)
    return tuple(peers)


def deployment(docs: list[Manifest], component: str) -> Manifest:
    return next(d for d in of_kind(docs, "Deployment") if d["metadata"]["name"].endswith(component))


def write_values(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "values.yaml"
    path.write_text(text)
    return path


# --------------------------------------------------------------------------- the chart as shipped


@pytest.mark.parametrize("values_name", list(VALUE_SETS))
def test_helm_lint_passes_strict(values_name: str) -> None:
    assert "0 chart(s) failed" in lint(*VALUE_SETS[values_name])


def test_every_manifest_is_valid_against_kubernetes_1_33_strict(
    rendered: tuple[str, list[Manifest]],
) -> None:
    _, docs = rendered
    assert validate_strict(docs) == []


def test_every_component_and_nothing_else_is_rendered(default_docs: list[Manifest]) -> None:
    components = {
        d["metadata"]["labels"]["app.kubernetes.io/component"]
        for d in of_kind(default_docs, "Deployment")
    }
    assert components == {
        "gateway",
        "appeals",
        "petitions",
        "budget",
        "queue",
        "payments",
        "notify",
        "web",
        "bot",
    }
    assert len(of_kind(default_docs, "Job")) == 7  # one init Job each, none for web and bot
    assert of_kind(default_docs, "Secret") == []


@pytest.mark.parametrize("check", INVARIANTS, ids=lambda c: c.__name__)
def test_invariant_holds(
    check: Callable[[list[Manifest]], list[str]], rendered: tuple[str, list[Manifest]]
) -> None:
    values_name, docs = rendered
    if check is check_only_gateway_is_public:
        assert check_only_gateway_is_public(docs, metrics_from(values_name)) == []
    else:
        assert check(docs) == []


def test_the_gateway_finds_every_service_in_the_cluster(default_docs: list[Manifest]) -> None:
    config = next(
        d for d in of_kind(default_docs, "ConfigMap") if d["metadata"]["name"].endswith("gateway")
    )
    for service in ("appeals", "petitions", "budget", "queue", "payments", "notify"):
        assert (
            config["data"][f"HROMADA_GATEWAY_{service.upper()}_URL"]
            == f"http://hromada-{service}:80"
        )
    assert config["data"]["HROMADA_GATEWAY_HOST"] == "0.0.0.0"


def test_web_and_bot_reach_the_suite_through_the_gateway(default_docs: list[Manifest]) -> None:
    config = {
        cm["metadata"]["name"].removeprefix("hromada-"): cm["data"]
        for cm in of_kind(default_docs, "ConfigMap")
    }
    assert config["gateway"]["HROMADA_GATEWAY_WEB_URL"] == "http://hromada-web:80"
    assert config["gateway"]["HROMADA_GATEWAY_BOT_URL"] == "http://hromada-bot:80"
    assert config["web"]["HROMADA_WEB_GATEWAY_URL"] == "http://hromada-gateway:80"
    assert config["bot"]["HROMADA_BOT_GATEWAY_URL"] == "http://hromada-gateway:80"
    assert config["web"]["HROMADA_WEB_OIDC_REDIRECT_URL"] == (
        "https://hromada.example.org/app/sign-in/callback"
    )
    assert config["bot"]["HROMADA_BOT_WEBHOOK_PUBLIC_URL"] == "https://hromada.example.org"
    web = deployment(default_docs, "web")["spec"]["template"]["spec"]["containers"][0]
    secrets = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in web["env"] if "valueFrom" in e}
    assert secrets["HROMADA_WEB_SESSION_SECRET"] == {"name": "hromada-web", "key": "session-secret"}
    # The gateway's network policy lets them in besides the Ingress controller.
    policy = next(
        p
        for p in of_kind(default_docs, "NetworkPolicy")
        if p["metadata"]["name"].endswith("gateway")
    )
    callers = {
        f["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
        for f in policy["spec"]["ingress"][0]["from"]
        if "podSelector" in f
    }
    assert callers == {"web", "bot"}


def test_web_and_bot_can_be_left_out() -> None:
    docs = render(sets=("components.bot.enabled=false", "components.web.enabled=false"))
    assert not any(
        d["metadata"]["name"].endswith(("bot", "web")) for d in of_kind(docs, "Deployment")
    )
    gateway = next(
        cm for cm in of_kind(docs, "ConfigMap") if cm["metadata"]["name"].endswith("gateway")
    )
    assert "HROMADA_GATEWAY_WEB_URL" not in gateway["data"]
    assert not any(j["metadata"]["name"].endswith("bot") for j in of_kind(docs, "Job"))


def test_without_autoscaling_the_replicas_come_from_values() -> None:
    docs = render(sets=("defaults.autoscaling.enabled=false", "defaults.replicas=3"))
    assert deployment(docs, "appeals")["spec"]["replicas"] == 3
    assert of_kind(docs, "HorizontalPodAutoscaler") == []
    assert "no HorizontalPodAutoscaler" in check_availability(docs)[0]


# --------------------------------------------------------------------------- broken values are refused


@pytest.mark.parametrize(
    ("values", "named"),
    [
        (
            "components:\n  payments:\n    env:\n      HROMADA_PAYMENTS_LIQPAY_PRIVATE_KEY: sk-live\n",
            "HROMADA_PAYMENTS_LIQPAY_PRIVATE_KEY",
        ),
        ("config:\n  HROMADA_MONGO_URL: mongodb://db:27017/\n", "HROMADA_MONGO_URL"),
        (
            "components:\n  notify:\n    env:\n      HROMADA_NOTIFY_TELEGRAM_BOT_TOKEN: '123:abc'\n",
            "HROMADA_NOTIFY_TELEGRAM_BOT_TOKEN",
        ),
        (
            "components:\n  notify:\n    env:\n      HROMADA_NOTIFY_SMTP_HOST: smtp://mailer:hunter2@smtp.example.org\n",
            "HROMADA_NOTIFY_SMTP_HOST",
        ),
    ],
    ids=["liqpay-key", "mongo-url", "telegram-token", "password-in-url"],
)
def test_a_secret_in_values_is_refused_by_the_chart(
    tmp_path: Path, values: str, named: str
) -> None:
    with pytest.raises(HelmError, match=named):
        render(write_values(tmp_path, values))


def test_a_secret_env_without_a_secret_name_is_refused(tmp_path: Path) -> None:
    values = "components:\n  budget:\n    secretEnv:\n      HROMADA_BUDGET_VOTER_KEY_SECRET: {secret: null}\n"
    with pytest.raises(
        HelmError, match=re.escape("secretEnv.HROMADA_BUDGET_VOTER_KEY_SECRET.secret")
    ):
        render(write_values(tmp_path, values))


# --------------------------------------------------------------------------- each check can fail


def test_strict_validation_catches_an_unknown_field(default_docs: list[Manifest]) -> None:
    docs = copy.deepcopy(default_docs)
    deployment(docs, "appeals")["spec"]["replicaz"] = 2
    errors = validate_strict(docs)
    assert len(errors) == 1 and "replicaz" in errors[0]


def test_check_probes_catches_a_missing_readiness_probe(default_docs: list[Manifest]) -> None:
    docs = copy.deepcopy(default_docs)
    del deployment(docs, "queue")["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    assert check_probes(docs) == [
        "Deployment/hromada-queue: readinessProbe is None, not /health/ready"
    ]


def test_check_resources_catches_missing_limits(default_docs: list[Manifest]) -> None:
    docs = copy.deepcopy(default_docs)
    del deployment(docs, "notify")["spec"]["template"]["spec"]["containers"][0]["resources"][
        "limits"
    ]
    assert check_resources(docs) == [
        "Deployment/hromada-notify: no limits.cpu",
        "Deployment/hromada-notify: no limits.memory",
    ]


def test_check_security_catches_root_and_a_writable_filesystem(
    default_docs: list[Manifest],
) -> None:
    docs = copy.deepcopy(default_docs)
    pod = deployment(docs, "budget")["spec"]["template"]["spec"]
    pod["securityContext"]["runAsNonRoot"] = False
    container = pod["containers"][0]
    container["securityContext"].pop("runAsNonRoot")
    container["securityContext"]["readOnlyRootFilesystem"] = False
    container["securityContext"]["capabilities"]["drop"] = []
    assert len(check_security(docs)) == 3


def test_check_no_secret_values_catches_a_secret_in_a_config_map_and_in_env(
    default_docs: list[Manifest],
) -> None:
    docs = copy.deepcopy(default_docs)
    config = next(
        d for d in of_kind(docs, "ConfigMap") if d["metadata"]["name"].endswith("appeals")
    )
    config["data"]["HROMADA_S3_SECRET_KEY"] = "hromada-dev-secret"
    container = deployment(docs, "payments")["spec"]["template"]["spec"]["containers"][0]
    container["env"] = [
        e for e in container["env"] if e["name"] != "HROMADA_PAYMENTS_LIQPAY_PRIVATE_KEY"
    ]
    container["env"].append({"name": "HROMADA_PAYMENTS_LIQPAY_PRIVATE_KEY", "value": "sk"})
    problems = check_no_secret_values(docs)
    assert (
        "ConfigMap/hromada-appeals: HROMADA_S3_SECRET_KEY is a credential in a ConfigMap"
        in problems
    )
    assert (
        "Deployment/hromada-payments: HROMADA_PAYMENTS_LIQPAY_PRIVATE_KEY is a plain env value"
        in problems
    )
    assert (
        "Deployment/hromada-payments: HROMADA_PAYMENTS_LIQPAY_PRIVATE_KEY is not read from a Secret"
        in problems
    )


def test_check_labels_catches_a_missing_standard_label(default_docs: list[Manifest]) -> None:
    docs = copy.deepcopy(default_docs)
    del deployment(docs, "petitions")["spec"]["template"]["metadata"]["labels"][
        "app.kubernetes.io/version"
    ]
    assert check_labels(docs) == [
        "Deployment/hromada-petitions: label pod app.kubernetes.io/version missing"
    ]


def test_check_only_gateway_is_public_catches_an_open_service(default_docs: list[Manifest]) -> None:
    docs = copy.deepcopy(default_docs)
    policy = next(
        p for p in of_kind(docs, "NetworkPolicy") if p["metadata"]["name"] == "hromada-appeals"
    )
    policy["spec"]["ingress"][0]["from"].append({"namespaceSelector": {}})
    service = next(s for s in of_kind(docs, "Service") if s["metadata"]["name"] == "hromada-budget")
    service["spec"]["type"] = "LoadBalancer"
    problems = check_only_gateway_is_public(docs)
    assert problems == [
        "Service/hromada-budget is LoadBalancer",
        "NetworkPolicy/hromada-appeals: admits {'namespaceSelector': {}} from outside the release",
    ]


def test_check_availability_catches_a_rollout_that_drops_replicas(
    default_docs: list[Manifest],
) -> None:
    docs = copy.deepcopy(default_docs)
    deployment(docs, "gateway")["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] = 1
    docs = [
        d
        for d in docs
        if not (d["kind"] == "PodDisruptionBudget" and d["metadata"]["name"].endswith("queue"))
    ]
    assert check_availability(docs) == [
        "Deployment/hromada-gateway: maxUnavailable is not 0",
        "Deployment/hromada-queue: no PodDisruptionBudget",
    ]


def test_check_commands_exist_catches_a_module_that_does_not_exist(
    default_docs: list[Manifest],
) -> None:
    docs = copy.deepcopy(default_docs)
    deployment(docs, "notify")["spec"]["template"]["spec"]["containers"][0]["command"][2] = (
        "services.nosuch"
    )
    assert check_commands_exist(docs) == [
        "Deployment/hromada-notify: runs ['python', '-m', 'services.nosuch'], no such module"
    ]


@pytest.mark.parametrize(
    ("sets", "expected"),
    [
        ((), "https://hromada.example.org"),
        (("ingress.enabled=false",), "port-forward svc/hromada-gateway"),
    ],
)
def test_the_install_notes_render(tmp_path: Path, sets: tuple[str, ...], expected: str) -> None:
    # `helm template` skips NOTES.txt; in a copy of the chart it renders inside a YAML string.
    chart = tmp_path / "hromada"
    shutil.copytree(CHART, chart)
    notes_text = (CHART / "templates" / "NOTES.txt").read_text()
    (chart / "templates" / "_notes.tpl").write_text(
        '{{- define "notes" -}}' + notes_text + "{{- end -}}"
    )
    (chart / "templates" / "notes.yaml").write_text('notes: {{ include "notes" . | toJson }}\n')
    flags = [arg for s in sets for arg in ("--set", s)]
    notes = run_helm(
        "template",
        "hromada",
        str(chart),
        "--kube-version",
        KUBERNETES_VERSION,
        "--show-only",
        "templates/notes.yaml",
        *flags,
    )
    text = yaml.safe_load(notes)["notes"]
    assert expected in text
    assert "  - notify: hromada-notify" in text
    assert "  - web: hromada-web" in text
