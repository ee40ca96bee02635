"""The committed AsyncAPI documents match what the code declares (`make asyncapi` refreshes)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_committed_asyncapi_documents_are_current(tmp_path: Path) -> None:
    committed = {p.name: json.loads(p.read_text()) for p in (ROOT / "docs/asyncapi").glob("*.json")}
    assert {"appeals.json", "notify.json"} <= set(committed)
    subprocess.run(
        [sys.executable, str(ROOT / "scripts/asyncapi.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    generated = {p.name: json.loads(p.read_text()) for p in tmp_path.glob("*.json")}
    assert generated == committed, "run `make asyncapi` and commit docs/asyncapi/"
