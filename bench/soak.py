"""`make soak`: SOAK_MINUTES (default 30) of steady moderate load — the five write streams of
bench/chaos_load.py — while the resident memory of every stack process is sampled every
SOAK_SAMPLE_S (default 10) seconds. Afterwards every acknowledged write is read back
(bench/chaos_check.py), so "no errors" covers lost and duplicated writes too.

Memory per component: resident memory of its process and all its children (psutil, PSS so
shared pages count once; pids from .stack/run/<name>.pid). Growth = median of the last fifth
of the samples against the median of the first fifth (the first SOAK_WARMUP_S, default 60, are
not sampled: caches and JITs fill there). Target: every component grows < 10%. A component
whose pid changed meanwhile was restarted (by someone else); its growth is not comparable.
Writes bench/results/soak.md, soak.json and plots/soak_rss.png.

    SOAK_MINUTES=5 uv run python bench/soak.py
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
RUN = ROOT / ".stack/run"
# Components whose memory is bounded by configuration rather than by the absence of leaks:
# shown, not judged. Jaeger keeps up to 100,000 traces in memory (deploy/local/jaeger.yaml).
# Third-party caches that fill by design up to a cap their config sets (deploy/local/stack.py);
# a 30-minute soak that keeps writing new data watches them fill, not leak. Our own processes
# and FerretDB are always judged.
EXEMPT = {
    "traces": "in-memory trace store, capped at 100,000 traces by its config",
    "postgres": "buffer cache filling as the data grows, capped by shared_buffers=256MB",
    "kafka": "the broker's JVM heap, capped by -Xmx512m",
}


def stack_pids() -> dict[str, int]:
    pids = {}
    for pidfile in RUN.glob("*.pid"):
        try:
            pids[pidfile.stem] = int(pidfile.read_text().strip())
        except ValueError:
            continue
    return pids


def rss_mb(pid: int) -> float | None:
    """Memory of the process and its descendants (postgres backends), in MB: the sum of their
    PSS (proportional set size), so pages they share — PostgreSQL's shared buffers, touched by
    every backend — count once, not once per process as a sum of RSS would; RSS where PSS
    cannot be read."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return None
    total = 0
    for proc in procs:
        try:
            total += proc.memory_full_info().pss
        except (psutil.AccessDenied, AttributeError):
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return round(total / 2**20, 1)


def growth(values: list[float]) -> float | None:
    if len(values) < 5:
        return None
    fifth = max(1, len(values) // 5)
    first, last = statistics.median(values[:fifth]), statistics.median(values[-fifth:])
    return round((last - first) / first * 100, 1) if first else None


async def soak(minutes: float, sample_s: float, warmup_s: float) -> dict[str, Any]:
    import httpx

    from bench.budget_votes import Minter
    from bench.chaos_check import check_all
    from bench.chaos_load import council, drive, streams

    gateway = os.environ.get("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
    pause_s = float(os.environ.get("SOAK_PAUSE_S", "0.5"))
    slug = f"soak-{uuid.uuid4().hex[:8]}"
    minter, load = Minter(), streams()
    samples: dict[str, list[tuple[float, float]]] = {}
    pids_seen: dict[str, set[int]] = {}
    async with httpx.AsyncClient(base_url=gateway, timeout=10.0) as http:
        await council(http, minter, slug)
        for s in load:
            await s.setup(http, minter, slug)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(drive(s, http, stop, pause_s)) for s in load]
        print(f"== soak: {minutes:g} min of load, warm-up {warmup_s:g} s", flush=True)
        await asyncio.sleep(warmup_s)
        began = time.monotonic()
        end = began + minutes * 60
        while time.monotonic() < end:
            at = round(time.monotonic() - began, 1)
            for name, pid in stack_pids().items():
                pids_seen.setdefault(name, set()).add(pid)
                mb = rss_mb(pid)
                if mb is not None:
                    samples.setdefault(name, []).append((at, mb))
            acked = sum(len(s.acked) for s in load)
            print(f"   {at:.0f} s: {acked} writes acknowledged", flush=True)
            await asyncio.sleep(sample_s)
        stop.set()
        await asyncio.gather(*tasks)
        await asyncio.sleep(10)  # let the last events reach their consumers
        checks = await check_all(http, load, ROOT / ".stack/mail")
    memory = {}
    for name, series in sorted(samples.items()):
        values = [mb for _, mb in series]
        restarted = len(pids_seen[name]) > 1
        g = None if restarted else growth(values)
        memory[name] = {
            "first_mb": values[0],
            "last_mb": values[-1],
            "peak_mb": max(values),
            "growth_pct": g,
            "restarted": restarted,
            "met": g is not None and g < 10,
            "exempt": EXEMPT.get(name),
        }
    errors = {
        s.name: sum(s.failures.values()) + sum(s.unexpected.values())
        for s in load
        if s.failures or s.unexpected
    }
    return {
        "council": slug,
        "minutes": minutes,
        "memory": memory,
        "samples": samples,
        "errors": errors,
        "checks": checks,
        "acked": {s.name: len(s.acked) for s in load},
    }


def plot(samples: dict[str, list[tuple[float, float]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(9, 5))
    axis.set_prop_cycle(color=[plt.get_cmap("tab20")(i) for i in range(20)])  # one per component
    for name, series in sorted(samples.items()):
        axis.plot([t / 60 for t, _ in series], [mb for _, mb in series], label=name)
    axis.set_xlabel("minutes")
    axis.set_ylabel("resident MB (PSS, process and children)")
    axis.set_yscale("log")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def markdown(result: dict[str, Any], started: str) -> str:
    lost = sum(c["lost"] for c in result["checks"].values())
    dups = sum(c["duplicates"] for c in result["checks"].values())
    grown = [
        n
        for n, m in result["memory"].items()
        if m["growth_pct"] is not None and not m["met"] and not m["exempt"]
    ]
    errors = sum(result["errors"].values())
    ok = not grown and not errors and not lost and not dups
    lines = [
        "# Soak report",
        "",
        f"Run at {started} UTC: {result['minutes']:g} minutes of steady load (council "
        f"`{result['council']}`); acknowledged writes: `{json.dumps(result['acked'])}`.",
        "",
        f"**Verdict: {'PASS' if ok else 'FAIL'}** — components growing >= 10%: "
        f"{', '.join(grown) or 'none'}; errors: {errors} `{json.dumps(result['errors'])}`; "
        f"acknowledged writes lost: {lost}; duplicates: {dups}.",
        "",
        "| component | first MB | last MB | peak MB | growth % | < 10% |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in result["memory"].items():
        g = "restarted" if m["restarted"] else m["growth_pct"]
        met = "yes" if m["met"] else ("–" if m["growth_pct"] is None else "**no**")
        if m["exempt"] and not m["met"]:
            met = f"not judged: {m['exempt']}"
        lines.append(
            f"| {name} | {m['first_mb']} | {m['last_mb']} | {m['peak_mb']} | {g} | {met} |"
        )
    lines += [
        "",
        "## Read-back",
        "",
        "```json",
        json.dumps(result["checks"], indent=1),
        "```",
        "",
        "![RSS over time](plots/soak_rss.png)",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    from bench.run import load_stack_env, stack_healthy

    if not stack_healthy():
        print("the stack is not up (`make up`)", file=sys.stderr)
        return 2
    load_stack_env()
    minutes = float(os.environ.get("SOAK_MINUTES", "30"))
    sample_s = float(os.environ.get("SOAK_SAMPLE_S", "10"))
    warmup_s = float(os.environ.get("SOAK_WARMUP_S", "60"))
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    result = asyncio.run(soak(minutes, sample_s, warmup_s))
    out = Path(os.environ.get("BENCH_OUT", ROOT / "bench/results"))
    (out / "plots").mkdir(parents=True, exist_ok=True)
    plot(result["samples"], out / "plots" / "soak_rss.png")
    (out / "soak.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    report = markdown(result, started)
    (out / "soak.md").write_text(report)
    print(report)
    return 0 if "Verdict: PASS" in report else 1


if __name__ == "__main__":
    sys.exit(main())
