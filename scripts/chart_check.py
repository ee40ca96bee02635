"""`make chart-check`: the Helm chart and the image, checked offline.

1. helm (scripts/helm.sh builds it once from the Go module proxy into ~/.cache/hromada/helm/);
2. tests/chart: `helm lint`, `helm template` with the default and the production-like values,
   every manifest validated strictly against Kubernetes 1.33, and the invariants;
3. image smoke: with a container engine, build one component's image from the Dockerfile and
   import its app inside it; without one, say so and pass.

Exits non-zero when a step fails.
"""

from __future__ import annotations

# ruff: noqa: S603, S607, S108 - fixed commands of our own; /tmp is a tmpfs inside the container
import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def say(message: str) -> None:
    print(f"[chart-check] {message}", flush=True)


def provide_helm() -> None:
    started = time.monotonic()
    done = subprocess.run(  # helm.sh prints its build progress on stderr, passed through
        ["bash", str(REPO / "scripts" / "helm.sh"), "version", "--short"],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit("[chart-check] helm is not available (see above)")
    say(f"helm {done.stdout.strip()} ready in {time.monotonic() - started:.0f} s")


def run_chart_tests() -> int:
    say("lint, render, validate against Kubernetes 1.33 (strict), invariants")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:warnings", "tests/chart"],
        cwd=REPO,
        check=False,
    ).returncode


def container_engine() -> str | None:
    for engine in ("docker", "podman"):
        path = shutil.which(engine)
        answers = path and subprocess.run([path, "info"], capture_output=True, check=False)
        if answers and answers.returncode == 0:
            return path
    return None


def image_smoke(service: str) -> int:
    engine = container_engine()
    if engine is None:
        say("image smoke skipped: no container engine (docker/podman info failed)")
        return 0
    tag = f"hromada/{service}:chart-check"
    say(f"building {tag} with {engine}")
    build = [engine, "build", "--build-arg", f"SERVICE={service}", "-t", tag, str(REPO)]
    if subprocess.run(build, check=False).returncode != 0:
        return 1
    module = "gateway.app" if service == "gateway" else f"services.{service}.app"
    # Non-root, read-only root filesystem: as the chart runs it.
    smoke = [engine, "run", "--rm", "--read-only", "--tmpfs", "/tmp", tag]
    smoke += ["python", "-c", f"import {module}; print('image ok')"]
    return subprocess.run(smoke, check=False).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", default="gateway", help="component of the image smoke")
    args = parser.parse_args()
    provide_helm()
    failed = run_chart_tests()
    failed = image_smoke(args.service) or failed
    if failed:
        sys.exit("[chart-check] FAILED")
    say("ok")


if __name__ == "__main__":
    main()
