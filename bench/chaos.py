"""`make chaos`: under a steady moderate load (bench/chaos_load.py), kill -9 each component in
turn and restart it, then check every acknowledged write and side effect (bench/chaos_check.py).
Writes bench/results/chaos.md (and chaos.json).

Per fault: `stack.py stop --kill <name>` (SIGKILL to its process group), `CHAOS_DOWN_S` dead,
`stack.py start <name>` (returns once healthy), then the time until every load stream has had
an acknowledged write again. Settings (environment):
  CHAOS_TARGETS   comma-separated components (default: kafka, postgres, mongodb, s3, gateway
                  and every service); quick: CHAOS_TARGETS=kafka,mongodb,petitions
  CHAOS_DOWN_S    seconds a component stays dead (default 3)
  CHAOS_SETTLE_S  steady load before the first fault and after each recovery (default 8)
  CHAOS_PAUSE_S   pause between one stream's writes (default 0.3)

It kills components of the stack in THIS checkout: never run it on a stack others are using.

    uv run python bench/chaos.py
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STACK = [sys.executable, str(ROOT / "deploy/local/stack.py")]
DEFAULT_TARGETS = "kafka,postgres,mongodb,s3,gateway,appeals,petitions,budget,queue,payments,notify"


def stack(*args: str) -> float:
    """Run a stack.py command; returns the seconds it took."""
    began = time.monotonic()
    subprocess.run([*STACK, *args], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - began


async def fault(target: str, streams: list[Any], down_s: float, timeout_s: float) -> dict:
    failures_before = {s.name: sum(s.failures.values()) for s in streams}
    killed_at = time.monotonic()
    await asyncio.to_thread(stack, "stop", "--kill", target)
    await asyncio.sleep(down_s)
    restart_s = await asyncio.to_thread(stack, "start", target)
    healthy_at = time.monotonic()
    while time.monotonic() - healthy_at < timeout_s:
        if all(s.last_ok > healthy_at for s in streams):
            break
        await asyncio.sleep(0.2)
    recovered = all(s.last_ok > healthy_at for s in streams)
    return {
        "target": target,
        "restart_to_healthy_s": round(restart_s, 1),
        "kill_to_writes_ok_s": round(time.monotonic() - killed_at, 1) if recovered else None,
        "healthy_to_writes_ok_s": round(time.monotonic() - healthy_at, 1) if recovered else None,
        "failed_attempts": {
            s.name: sum(s.failures.values()) - failures_before[s.name]
            for s in streams
            if sum(s.failures.values()) > failures_before[s.name]
        },
    }


async def wait_for_emails(http: Any, streams: list[Any], maildir: Path, timeout_s: float) -> None:
    from bench.chaos_check import appeals
    from bench.chaos_load import Appeals

    deadline = time.monotonic() + timeout_s
    for s in streams:
        if isinstance(s, Appeals):
            while time.monotonic() < deadline:
                if (await appeals(http, s, maildir))["emails_missing"] == 0:
                    return
                await asyncio.sleep(3)


async def chaos(targets: list[str]) -> dict[str, Any]:
    import httpx

    from bench.budget_votes import Minter
    from bench.chaos_check import check_all
    from bench.chaos_load import council, drive, streams

    down_s = float(os.environ.get("CHAOS_DOWN_S", "3"))
    settle_s = float(os.environ.get("CHAOS_SETTLE_S", "8"))
    pause_s = float(os.environ.get("CHAOS_PAUSE_S", "0.3"))
    gateway = os.environ.get("HROMADA_GATEWAY_URL", "http://127.0.0.1:8000")
    maildir = ROOT / ".stack/mail"
    slug = f"chaos-{uuid.uuid4().hex[:8]}"
    minter = Minter()
    load = streams()
    async with httpx.AsyncClient(base_url=gateway, timeout=10.0) as http:
        print(f"== set-up (council {slug})", flush=True)
        await council(http, minter, slug)
        for s in load:
            await s.setup(http, minter, slug)
        stop = asyncio.Event()
        tasks = [asyncio.create_task(drive(s, http, stop, pause_s)) for s in load]
        print(f"== steady load for {settle_s:g} s", flush=True)
        await asyncio.sleep(settle_s)
        faults = []
        for target in targets:
            print(f"== kill -9 {target}", flush=True)
            result = await fault(target, load, down_s, timeout_s=120)
            faults.append(result)
            print(f"   {json.dumps(result)}", flush=True)
            await asyncio.sleep(settle_s)
        stop.set()
        await asyncio.gather(*tasks)
        print("== load stopped; waiting for the emails (up to 180 s)", flush=True)
        await wait_for_emails(http, load, maildir, 180)
        print("== reading every acknowledged write back", flush=True)
        checks = await check_all(http, load, maildir)
    ledger = {
        s.name: {
            "sent": s.sent,
            "retries": s.retries,
            "acked": len(s.acked),
            "failures": dict(s.failures),
            "unexpected": dict(s.unexpected),
        }
        for s in load
    }
    return {
        "council": slug,
        "faults": faults,
        "ledger": ledger,
        "checks": checks,
        "down_s": down_s,
        "settle_s": settle_s,
    }


def markdown(result: dict[str, Any], started: str) -> str:
    checks = result["checks"]
    lost = sum(c["lost"] for c in checks.values())
    dups = sum(c["duplicates"] for c in checks.values())
    missing_mail = sum(c.get("emails_missing", 0) for c in checks.values())
    unrecovered = [f["target"] for f in result["faults"] if f["kill_to_writes_ok_s"] is None]
    ok = lost == 0 and dups == 0 and missing_mail == 0 and not unrecovered
    lines = [
        "# Chaos report",
        "",
        f"Run at {started} UTC, council `{result['council']}`; each component dead for "
        f"{result['down_s']:g} s, {result['settle_s']:g} s of steady load between faults. "
        "How to read it: bench/README.md.",
        "",
        f"**Verdict: {'PASS' if ok else 'FAIL'}** — acknowledged writes lost: {lost}; duplicate "
        f"side effects: {dups}; emails missing: {missing_mail}; not recovered: "
        f"{', '.join(unrecovered) or 'none'}.",
        "",
        "## Faults",
        "",
        "| killed | restart -> healthy s | healthy -> all streams write s | kill -> all streams "
        "write s | failed attempts meanwhile |",
        "|---|---|---|---|---|",
    ]
    for f in result["faults"]:
        lines.append(
            f"| {f['target']} | {f['restart_to_healthy_s']} | {f['healthy_to_writes_ok_s']} | "
            f"{f['kill_to_writes_ok_s']} | `{json.dumps(f['failed_attempts'])}` |"
        )
    lines += [
        "",
        "## Acknowledged writes, read back",
        "",
        "| stream | sent | retries | acked | lost | duplicates | detail |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, c in checks.items():
        led = result["ledger"][name]
        detail = {k: v for k, v in c.items() if k not in ("acked", "lost", "duplicates")}
        if led["unexpected"]:
            detail["unexpected_answers"] = led["unexpected"]
        lines.append(
            f"| {name} | {led['sent']} | {led['retries']} | {c['acked']} | {c['lost']} | "
            f"{c['duplicates']} | `{json.dumps(detail)}` |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    from bench.run import load_stack_env, stack_healthy

    if not stack_healthy():
        print("== starting the local stack")
        stack("up")
    load_stack_env()
    names = os.environ.get("CHAOS_TARGETS", DEFAULT_TARGETS)
    targets = [t.strip() for t in names.split(",") if t.strip()]
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    result = asyncio.run(chaos(targets))
    out = Path(os.environ.get("BENCH_OUT", ROOT / "bench/results"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "chaos.json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    report = markdown(result, started)
    (out / "chaos.md").write_text(report)
    print(report)
    return 0 if "Verdict: PASS" in report else 1


if __name__ == "__main__":
    sys.exit(main())
