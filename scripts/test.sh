#!/usr/bin/env bash
# `make test`: fast checks first, then the real stack for integration and e2e tests.
# Starts what the tests need and stops only what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
UV=${UV:-$(command -v uv || echo "$HOME/.local/bin/uv")}

echo "== lint"
"$UV" run --frozen ruff check .
"$UV" run --frozen ruff format --check .

"$UV" run --frozen mypy

echo "== unit and contract tests"
"$UV" run --frozen pytest -q tests/unit tests/contracts
echo "== chart checks"; make -s chart-check

started_here=0
if ! "$PY" deploy/local/stack.py status 2>/dev/null | "$PY" -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if all(v["healthy"] for v in d.values()) else 1)'; then
  echo "== starting the local stack (the first run builds servers; it can take many minutes)"
  "$PY" deploy/local/stack.py up
  started_here=1
fi
cleanup() {
  if [ "$started_here" = 1 ] && [ -z "${HROMADA_KEEP_STACK:-}" ]; then
    echo "== stopping the stack this run started"
    "$PY" deploy/local/stack.py down || true
  fi
}
trap cleanup EXIT

set -a; . ./.stack/env; set +a
# Nothing on the real stack may skip itself quietly here: the stack is up.
export HROMADA_STACK_REQUIRED=1
echo "== integration tests on the real stack"
"$UV" run --frozen pytest -q tests/integration
# A separate process: in-process apps of the integration tests instrument httpx globally,
# which would re-parent the e2e client's own trace context.
echo "== e2e tests through the gateway"
"$UV" run --frozen pytest -q tests/e2e
echo "== security matrix"; "$UV" run --frozen pytest -q tests/security
echo "== fuzz (short)"; "$UV" run --frozen pytest -q tests/fuzz
echo "== browser tests"; bash scripts/ensure_chromium.sh; "$UV" run --frozen pytest -q tests/browser
