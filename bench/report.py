"""Writes what `make bench` measured: `latest.json` (one object per scenario), `run.json`
(everything, with the per-second series and the ceilings), `report.md` (tables) and one PNG per
scenario (throughput and latency over time) under `plots/`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt

from bench.sampler import Sampler

LATEST_KEYS = (
    "name",
    "ops",
    "ops_per_s",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "errors",
    "duplicates",
    "ceiling_ops_per_s",
    "ratio",
    "target",
    "met",
    "ceiling",
)


def with_ceiling(row: dict[str, Any], ceilings: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """ceiling_ops_per_s and ratio (the scenario's ops/s as a share of its ceiling)."""
    own = row.get("ceiling_figures")
    ceiling = own or ceilings.get(row["ceiling"]) or {}
    rate = ceiling.get("ops_per_s")
    return {
        **row,
        "ceiling_ops_per_s": rate,
        "ratio": round(row["ops_per_s"] / rate, 3) if rate else None,
    }


def plot(row: dict[str, Any], path: Path) -> None:
    series = row["sampler"].series()
    other: Sampler | None = row.get("ceiling_sampler")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    t = [p["t"] for p in series]
    top.plot(t, [p["ops"] for p in series], label="ops/s")
    top.plot(t, [p["errors"] for p in series], label="errors/s", color="tab:red")
    bottom.plot(t, [p["p50_ms"] for p in series], label="p50 ms")
    bottom.plot(t, [p["p95_ms"] for p in series], label="p95 ms")
    if other is not None:
        direct = other.series()
        td = [p["t"] for p in direct]
        top.plot(td, [p["ops"] for p in direct], label="ops/s direct on service", ls="--")
        bottom.plot(td, [p["p95_ms"] for p in direct], label="p95 ms direct", ls="--")
    top.set_ylabel("per second")
    bottom.set_ylabel("latency, ms")
    bottom.set_xlabel("seconds since the first request")
    top.set_title(row["title"], fontsize=9)
    for axis in (top, bottom):
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    return str(value)


def markdown(rows: list[dict[str, Any]], ceilings: dict[str, Any], meta: dict[str, Any]) -> str:
    lines = [
        "# Benchmark report",
        "",
        f"Run at {meta['started']} UTC for {meta['seconds_per_scenario']:g} s per scenario on "
        f"{meta['cpus']} CPUs; load average before {meta['load_before']}, after "
        f"{meta['load_after']}; took {meta['took_s']:.0f} s. Everything goes through the "
        "gateway on the local stack unless it says otherwise; the ceilings were measured in "
        "the same run. How to read it: bench/README.md.",
        "",
        "## Scenarios",
        "",
        "| scenario | ops | ops/s | p50 ms | p95 ms | p99 ms | errors | duplicates | ceiling "
        "| ceiling ops/s | ratio | target | met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                cell(r.get(k))
                for k in (
                    "name",
                    "ops",
                    "ops_per_s",
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "errors",
                    "duplicates",
                    "ceiling",
                    "ceiling_ops_per_s",
                    "ratio",
                    "target",
                    "met",
                )
            )
            + " |"
        )
    lines += ["", "## Ceilings (same run)", "", "| ceiling | ops/s | detail |", "|---|---|---|"]
    for name, c in ceilings.items():
        detail = {k: v for k, v in c.items() if k not in ("name", "ops_per_s")}
        lines.append(f"| {name} | {c['ops_per_s']} | `{json.dumps(detail)}` |")
    lines += ["", "## Each scenario", ""]
    for r in rows:
        lines += [
            f"### {r['name']}",
            "",
            r["title"] + ".",
            "",
            f"Errors by kind: `{json.dumps(r.get('error_kinds', {}))}`; refused as expected: "
            f"{r.get('refused_as_expected', 0)}.",
            "",
            "```json",
            json.dumps(r["extra"], indent=1, ensure_ascii=False, default=str)[:3000],
            "```",
            "",
            f"![{r['name']}](plots/{r['name']}.png)",
            "",
        ]
    if meta.get("failed"):
        lines += ["## Scenarios that failed to run", ""]
        lines += [f"- {name}: `{error}`" for name, error in meta["failed"].items()]
    return "\n".join(lines) + "\n"


def write(
    out: Path, rows: list[dict[str, Any]], ceilings: dict[str, Any], meta: dict[str, Any]
) -> None:
    (out / "plots").mkdir(parents=True, exist_ok=True)
    rows = [with_ceiling(r, ceilings) for r in rows]
    for r in rows:
        plot(r, out / "plots" / f"{r['name']}.png")
    latest = [{k: r.get(k) for k in LATEST_KEYS} for r in rows]
    (out / "latest.json").write_text(json.dumps(latest, indent=2, ensure_ascii=False) + "\n")
    full = {
        "meta": meta,
        "ceilings": ceilings,
        "scenarios": [
            {
                **{k: v for k, v in r.items() if not k.endswith("sampler")},
                "series": r["sampler"].series(),
            }
            for r in rows
        ],
    }
    (out / "run.json").write_text(
        json.dumps(full, indent=1, ensure_ascii=False, default=str) + "\n"
    )
    (out / "report.md").write_text(markdown(rows, ceilings, meta))
