"""What a cluster relies on in the rendered chart. Each `check_*` returns the violations it
finds (empty when the manifests hold), so a test can show it catches a broken manifest."""

from __future__ import annotations

import re
from pathlib import Path

from tests.chart.render import RELEASE, REPO, Manifest, component_of, containers, name_of, of_kind

STANDARD_LABELS = (
    "helm.sh/chart",
    "app.kubernetes.io/name",
    "app.kubernetes.io/instance",
    "app.kubernetes.io/version",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
)
# Settings that are credentials (or infrastructure endpoints kept in Secrets): never a plain
# env value or a ConfigMap entry. The same list the chart's own guard uses (_helpers.tpl).
SECRET_NAME = re.compile(
    r"(SECRET|PASSWORD|PASSWD|TOKEN$|_KEY$|_KEYS$|CREDENTIAL|SMS_PROVIDERS|MONGO_URL|"
    r"KAFKA_BOOTSTRAP|S3_ENDPOINT|OTLP_ENDPOINT|JWT_ISSUER|JWKS_URL|JWT_AUDIENCE)",
    re.IGNORECASE,
)
URL_WITH_PASSWORD = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/@\s:]+:[^/@\s]+@")
# Credentials the code reads (chassis/settings.py, services/*/settings.py): each must reach
# the containers that use it through a secretKeyRef.
CREDENTIALS = (
    "HROMADA_MONGO_URL",
    "HROMADA_S3_ACCESS_KEY",
    "HROMADA_S3_SECRET_KEY",
    "HROMADA_JWKS_URL",
    "HROMADA_JWT_ISSUER",
)
COMPONENT_CREDENTIALS = {
    "budget": ("HROMADA_BUDGET_VOTER_KEY_SECRET",),
    "payments": ("HROMADA_PAYMENTS_LIQPAY_PUBLIC_KEY", "HROMADA_PAYMENTS_LIQPAY_PRIVATE_KEY"),
    "notify": ("HROMADA_NOTIFY_TELEGRAM_BOT_TOKEN", "HROMADA_NOTIFY_SMS_PROVIDERS"),
}


def check_probes(docs: list[Manifest]) -> list[str]:
    wanted = {"readinessProbe": "/health/ready", "livenessProbe": "/health/live"}
    problems = []
    for doc in of_kind(docs, "Deployment"):
        for container in doc["spec"]["template"]["spec"]["containers"]:
            for probe, path in wanted.items():
                got = container.get(probe, {}).get("httpGet", {}).get("path")
                if got != path:
                    problems.append(f"{name_of(doc)}: {probe} is {got!r}, not {path}")
    return problems


def check_resources(docs: list[Manifest]) -> list[str]:
    problems = []
    for doc, _, container in containers(docs):
        resources = container.get("resources", {})
        for part in ("requests", "limits"):
            for resource in ("cpu", "memory"):
                if resource not in resources.get(part, {}):
                    problems.append(f"{name_of(doc)}: no {part}.{resource}")
    return problems


def check_security(docs: list[Manifest]) -> list[str]:
    problems = []
    for doc, pod, container in containers(docs):
        ctx = container.get("securityContext", {})
        non_root = ctx.get("runAsNonRoot", pod.get("securityContext", {}).get("runAsNonRoot"))
        if non_root is not True:
            problems.append(f"{name_of(doc)}: runAsNonRoot is not true")
        if ctx.get("readOnlyRootFilesystem") is not True:
            problems.append(f"{name_of(doc)}: root filesystem is writable")
        if ctx.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name_of(doc)}: privilege escalation is allowed")
        if "ALL" not in ctx.get("capabilities", {}).get("drop", []):
            problems.append(f"{name_of(doc)}: capabilities are not all dropped")
        if pod.get("automountServiceAccountToken") is not False:
            problems.append(f"{name_of(doc)}: mounts a service account token")
    return problems


def _looks_secret(name: str, value: str) -> bool:
    return bool(SECRET_NAME.search(name) or URL_WITH_PASSWORD.search(value))


def check_no_secret_values(docs: list[Manifest]) -> list[str]:
    """No credential in a ConfigMap or a plain env value; the chart renders no Secret (it names
    existing ones); every credential the code reads arrives through a secretKeyRef."""
    problems = [
        f"{name_of(d)}: the chart must not carry Secret data" for d in of_kind(docs, "Secret")
    ]
    for cm in of_kind(docs, "ConfigMap"):
        for key, value in (cm.get("data") or {}).items():
            if _looks_secret(key, str(value)):
                problems.append(f"{name_of(cm)}: {key} is a credential in a ConfigMap")
    for doc, _, container in containers(docs):
        from_secret = set()
        for entry in container.get("env", []):
            if "value" in entry and _looks_secret(entry["name"], str(entry["value"])):
                problems.append(f"{name_of(doc)}: {entry['name']} is a plain env value")
            if "secretKeyRef" in entry.get("valueFrom", {}):
                from_secret.add(entry["name"])
        component = component_of(doc).removeprefix("init-")
        for credential in CREDENTIALS + COMPONENT_CREDENTIALS.get(component, ()):
            if credential not in from_secret:
                problems.append(f"{name_of(doc)}: {credential} is not read from a Secret")
    return problems


def check_labels(docs: list[Manifest]) -> list[str]:
    problems = []
    for doc in docs:
        labels = doc["metadata"].get("labels", {})
        missing = [label for label in STANDARD_LABELS if not labels.get(label)]
        if doc["kind"] in ("Deployment", "Job"):
            pod_labels = doc["spec"]["template"]["metadata"].get("labels", {})
            missing += [f"pod {label}" for label in STANDARD_LABELS if not pod_labels.get(label)]
        per_component = ("Deployment", "Service", "ConfigMap", "HorizontalPodAutoscaler")
        if doc["kind"] in per_component and not labels.get("app.kubernetes.io/component"):
            missing.append("app.kubernetes.io/component")
        problems += [f"{name_of(doc)}: label {label} missing" for label in missing]
    return problems


def check_only_gateway_is_public(
    docs: list[Manifest], metrics_from: tuple[Manifest, ...] = ()
) -> list[str]:
    """One Ingress, to the gateway; Services are in-cluster only; a default-deny policy covers
    the release; only the gateway's policy admits peers from outside the release, apart from
    the scrapers the values name (`networkPolicy.metricsFrom`)."""
    problems = []
    gateway_service = f"{RELEASE}-gateway"
    for ingress in of_kind(docs, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]["name"]
                if backend != gateway_service:
                    problems.append(f"{name_of(ingress)} routes to {backend}")
    if len(of_kind(docs, "Ingress")) != 1:
        problems.append(f"{len(of_kind(docs, 'Ingress'))} Ingresses, not one (the gateway's)")
    for service in of_kind(docs, "Service"):
        if service["spec"].get("type", "ClusterIP") != "ClusterIP":
            problems.append(f"{name_of(service)} is {service['spec']['type']}")
    policies = of_kind(docs, "NetworkPolicy")
    deny_all = [p for p in policies if "ingress" not in p["spec"]]
    if not any(
        p["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/instance") == RELEASE
        and "app.kubernetes.io/component" not in p["spec"]["podSelector"]["matchLabels"]
        for p in deny_all
    ):
        problems.append("no default-deny NetworkPolicy over the release's pods")
    covered = set()
    for policy in policies:
        component = (
            policy["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/component")
        )
        if component is None:
            continue
        covered.add(component)
        if component == "gateway":
            continue
        for rule in policy["spec"].get("ingress", []):
            peers = rule.get("from")
            if peers and metrics_from and peers == list(metrics_from):
                continue
            if not peers:
                problems.append(f"{name_of(policy)}: a rule admits everyone")
                continue
            for peer in peers:
                selector = peer.get("podSelector", {}).get("matchLabels", {})
                if (
                    set(peer) != {"podSelector"}
                    or selector.get("app.kubernetes.io/instance") != RELEASE
                ):
                    problems.append(f"{name_of(policy)}: admits {peer} from outside the release")
    for deployment in of_kind(docs, "Deployment"):
        if component_of(deployment) not in covered:
            problems.append(f"{name_of(deployment)} has no NetworkPolicy of its own")
    return problems


def check_availability(docs: list[Manifest]) -> list[str]:
    """Per Deployment: an HPA and a PDB over it; rolling updates that keep every replica
    until its successor is ready; a preStop pause inside the grace period."""
    problems = []
    hpa_targets = {
        h["spec"]["scaleTargetRef"]["name"] for h in of_kind(docs, "HorizontalPodAutoscaler")
    }
    pdb_selectors = [
        p["spec"]["selector"]["matchLabels"] for p in of_kind(docs, "PodDisruptionBudget")
    ]
    for deployment in of_kind(docs, "Deployment"):
        name = deployment["metadata"]["name"]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        if name not in hpa_targets:
            problems.append(f"{name_of(deployment)}: no HorizontalPodAutoscaler")
        if not any(sel.items() <= pod_labels.items() for sel in pdb_selectors):
            problems.append(f"{name_of(deployment)}: no PodDisruptionBudget")
        rolling = deployment["spec"].get("strategy", {}).get("rollingUpdate", {})
        if rolling.get("maxUnavailable") != 0:
            problems.append(f"{name_of(deployment)}: maxUnavailable is not 0")
        pod = deployment["spec"]["template"]["spec"]
        grace = pod.get("terminationGracePeriodSeconds", 30)
        for container in pod["containers"]:
            command = (
                container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command")
            )
            if not command or command[0] != "sleep":
                problems.append(f"{name_of(deployment)}: no preStop pause")
            # uvicorn drains requests for 10 s, then FastStream its consumers for 10 s.
            elif grace < int(command[1]) + 20:
                problems.append(f"{name_of(deployment)}: grace {grace} s is too short")
    return problems


def check_commands_exist(docs: list[Manifest]) -> list[str]:
    """Every Deployment runs `python -m <module>` of a module in the repo; every init Job runs
    `hromada init --service <component>` for a component the command knows."""
    from hromada_cli.init import COMPONENTS

    problems = []
    for doc, _, container in containers(docs):
        command = container.get("command", [])
        if doc["kind"] == "Deployment":
            module = command[2] if command[:2] == ["python", "-m"] and len(command) > 2 else ""
            if not (REPO / Path(*module.split(".")) / "__main__.py").is_file():
                problems.append(f"{name_of(doc)}: runs {command}, no such module")
        elif command[:3] != ["hromada", "init", "--service"] or command[3] not in COMPONENTS:
            problems.append(f"{name_of(doc)}: runs {command}, not `hromada init --service X`")
        else:
            hooks = doc["metadata"].get("annotations", {}).get("helm.sh/hook", "")
            if set(hooks.split(",")) != {"pre-install", "pre-upgrade"}:
                problems.append(f"{name_of(doc)}: not a pre-install/pre-upgrade hook")
    return problems


INVARIANTS = (
    check_probes,
    check_resources,
    check_security,
    check_no_secret_values,
    check_labels,
    check_only_gateway_is_public,
    check_availability,
    check_commands_exist,
)
