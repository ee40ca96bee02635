#!/usr/bin/env bash
# Provide a helm binary without committing one: build it from the Go module proxy once,
# into a cache keyed by version, and reuse it afterwards.
#
#   scripts/helm.sh --path      print the binary's path (building it first if absent)
#   scripts/helm.sh ARGS...     run helm with ARGS
#
# HROMADA_HELM_VERSION picks another version; HROMADA_CACHE moves the cache
# (default ~/.cache/hromada, the same cache deploy/local/stack.py uses).
set -euo pipefail

VERSION=${HROMADA_HELM_VERSION:-v3.22.0}
MODULE=helm.sh/helm/v${VERSION:1:1}/cmd/helm
CACHE=${HROMADA_CACHE:-$HOME/.cache/hromada}
DIR=$CACHE/helm/$VERSION
BIN=$DIR/helm

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go; return; fi
  echo "helm.sh: Go >= 1.24 is needed to build helm $VERSION (install it into /usr/local/go)" >&2
  exit 1
}

build() {
  local go partial lock started
  go=$(find_go)
  mkdir -p "$CACHE/helm"
  lock=$CACHE/helm/.build.lock
  # One build at a time: a second caller waits, then finds the binary.
  exec 9>"$lock"
  flock 9
  if [ -x "$BIN" ]; then return; fi
  partial=$DIR.partial
  rm -rf "$partial"
  started=$(date +%s)
  echo "helm.sh: building $MODULE@$VERSION into $DIR (several minutes on 2 cores; once)" >&2
  # -x would be too loud; progress is the package count going by every 15 s.
  GOBIN=$partial GO111MODULE=on CGO_ENABLED=0 "$go" install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v${VERSION:1:1}/internal/version.version=$VERSION" \
    "$MODULE@$VERSION" >&2 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 15
    kill -0 "$pid" 2>/dev/null && echo "helm.sh: still building ($(($(date +%s) - started)) s)" >&2
  done
  wait "$pid"
  rm -rf "$DIR"
  mv "$partial" "$DIR"
  echo "helm.sh: built helm $VERSION in $(($(date +%s) - started)) s" >&2
  exec 9>&-
}

[ -x "$BIN" ] || build

if [ "${1:-}" = "--path" ]; then
  echo "$BIN"
  exit 0
fi
exec "$BIN" "$@"
