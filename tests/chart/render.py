"""Render the Helm chart offline.

`render()` runs `helm template` (helm comes from scripts/helm.sh, built once into
~/.cache/hromada/helm/<version>/); `validate_strict()` checks every manifest against the
Kubernetes 1.33 schemas of the kubernetes-validate package (strict: unknown fields fail).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "deploy" / "helm" / "hromada"
PRODUCTION_VALUES = CHART / "values-production.yaml"
KUBERNETES_VERSION = "1.33.0"
RELEASE = "hromada"

Manifest = dict[str, Any]


class HelmError(Exception):
    pass


@cache
def helm() -> str:
    """The helm binary; scripts/helm.sh builds it once (minutes) when the cache lacks it."""
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "helm.sh"), "--path"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise HelmError(f"scripts/helm.sh could not provide helm:\n{done.stderr}")
    return done.stdout.strip()


def run_helm(*args: str) -> str:
    done = subprocess.run([helm(), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise HelmError(done.stderr.strip() or done.stdout.strip())
    return done.stdout


def lint(*values_files: Path) -> str:
    flags = [arg for f in values_files for arg in ("-f", str(f))]
    return run_helm("lint", str(CHART), "--strict", "--kube-version", KUBERNETES_VERSION, *flags)


def render(*values_files: Path, sets: tuple[str, ...] = ()) -> list[Manifest]:
    flags = [arg for f in values_files for arg in ("-f", str(f))]
    flags += [arg for s in sets for arg in ("--set", s)]
    out = run_helm("template", RELEASE, str(CHART), "--kube-version", KUBERNETES_VERSION, *flags)
    return [doc for doc in yaml.safe_load_all(out) if doc]


def validate_strict(docs: list[Manifest]) -> list[str]:
    errors = []
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as e:
            errors.append(f"{name_of(doc)}: {getattr(e, 'message', e)}")
    return errors


# --------------------------------------------------------------------------- helpers


def name_of(doc: Manifest) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


def of_kind(docs: list[Manifest], kind: str) -> list[Manifest]:
    return [d for d in docs if d["kind"] == kind]


def component_of(doc: Manifest) -> str:
    return str(doc["metadata"]["labels"].get("app.kubernetes.io/component", ""))


def workloads(docs: list[Manifest]) -> Iterator[tuple[Manifest, Manifest]]:
    """(workload, its pod spec) of every Deployment and Job."""
    for doc in docs:
        if doc["kind"] in ("Deployment", "Job"):
            yield doc, doc["spec"]["template"]["spec"]


def containers(docs: list[Manifest]) -> Iterator[tuple[Manifest, Manifest, Manifest]]:
    for doc, pod in workloads(docs):
        for container in pod.get("initContainers", []) + pod["containers"]:
            yield doc, pod, container
