"""`make bench`: every scenario through the gateway on the local stack, the raw ceilings of the
same machine in the same run, and a report with tables and plots in bench/results/.

Starts what it needs of the stack if that is not up (`stack.py up` starts only what is not
running) and leaves it running afterwards: never `down`, since on a shared machine another
user's component may merely be restarting when we look. Settings (environment):
  BENCH_SECONDS            each scenario's duration (default 20; the whole run ~6-8 min)
  BENCH_CEILING_SECONDS    each ceiling's duration (default 5)
  BENCH_SCENARIOS          a comma-separated subset of bench/scenarios.py's SCENARIOS
  BENCH_OUT                where the results go (default bench/results)

    uv run python bench/run.py
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvloop

ROOT = Path(__file__).resolve().parents[1]
STACK = [sys.executable, str(ROOT / "deploy/local/stack.py")]


# What the scenarios use; other components (web, bot, ...) do not matter here.
NEEDED = (
    "gateway",
    "kafka",
    "postgres",
    "mongodb",
    "smtp",
    "appeals",
    "petitions",
    "budget",
    "queue",
    "payments",
    "notify",
)


def stack_healthy() -> bool:
    out = subprocess.run([*STACK, "status"], capture_output=True, text=True, check=False)
    try:
        status = json.loads(out.stdout)
        return all(status[name]["healthy"] for name in NEEDED)
    except (ValueError, KeyError):
        return False


def load_stack_env() -> None:
    """The stack's endpoints and dev key, as the tests get them (`.stack/env`)."""
    env_file = ROOT / ".stack/env"
    for line in env_file.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            os.environ.setdefault(key, value)


async def ticker(name: str, began: float) -> None:
    """Progress every 5 s: the newest sampler is the one the scenario is filling."""
    from bench.sampler import LIVE

    while True:
        await asyncio.sleep(5)
        done = f", {len(LIVE[-1].samples)} requests so far" if LIVE else ""
        print(f"    {name}: {time.perf_counter() - began:.0f} s{done}", flush=True)


async def measure(seconds: float, ceiling_s: float, names: list[str]) -> dict[str, Any]:
    from bench.ceilings import measure_all
    from bench.scenarios import SCENARIOS

    print("== ceilings", flush=True)
    ceilings = await measure_all(ceiling_s)
    rows, failed = [], {}
    for name in names:
        print(f"== {name} ({seconds:g} s of load, plus its set-up and checks)", flush=True)
        began = time.perf_counter()
        tick = asyncio.create_task(ticker(name, began))
        try:
            result = await SCENARIOS[name](seconds)
        except Exception as exc:  # one broken scenario must not cost the others' figures
            traceback.print_exc()
            failed[name] = f"{type(exc).__name__}: {exc}"
            continue
        finally:
            tick.cancel()
        rows.append(result)
        print(
            f"   {name}: {result['ops']} ops, {result['ops_per_s']} ops/s, "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
            f"errors {result['errors']}, duplicates {result['duplicates']}, "
            f"target met: {result['met']} ({time.perf_counter() - began:.0f} s)",
            flush=True,
        )
    return {"ceilings": ceilings, "rows": rows, "failed": failed}


def main() -> int:
    if not stack_healthy():
        print("== starting the local stack (the first run builds servers; many minutes)")
        subprocess.run([*STACK, "up"], check=True)
        print("== the stack stays up afterwards (`make down` stops it)")
    load_stack_env()
    from bench.report import write
    from bench.scenarios import SCENARIOS

    seconds = float(os.environ.get("BENCH_SECONDS", "20"))
    ceiling_s = float(os.environ.get("BENCH_CEILING_SECONDS", "5"))
    wanted = os.environ.get("BENCH_SCENARIOS", "")
    names = [n.strip() for n in wanted.split(",") if n.strip()] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenarios {unknown}; known: {list(SCENARIOS)}", file=sys.stderr)
        return 2
    out = Path(os.environ.get("BENCH_OUT", ROOT / "bench/results"))
    meta: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "seconds_per_scenario": seconds,
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    began = time.perf_counter()
    result = uvloop.run(measure(seconds, ceiling_s, names))
    meta |= {
        "took_s": time.perf_counter() - began,
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "failed": result["failed"],
    }
    write(out, result["rows"], result["ceilings"], meta)
    print(f"== wrote {out / 'report.md'} and {out / 'latest.json'}")
    return 1 if result["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
