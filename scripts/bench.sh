#!/usr/bin/env bash
# Runs the benchmarks (see docs/benchmarks.md): `npm run bench` runs all of
# them, `npm run bench:<name> -- [options]` one. Results are printed as a
# table and written under docs/benchmarks/. The backend ones
# (packages/jit-access-harness/src/bench/) run on the
# PostgreSQL at 127.0.0.1:5432 (started here if it is down), like production;
# `frontend` builds the app and loads its pages in Chromium (e2e/bench/frontend.mjs).
source "$(dirname "$0")/toolchain.sh"
cd "$ROOT"
[ -d node_modules ] || yarn install
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"

which="${1:-all}"
shift || true
run() {
  echo "=== bench: $1 ==="
  node --require @backstage/cli/config/nodeTransform.cjs "packages/jit-access-harness/src/bench/$1.ts" "${@:2}"
}
frontend() {
  echo "=== bench: frontend ==="
  node e2e/bench/frontend.mjs "$@"
}
case "$which" in
  all)
    for b in packages/jit-access-harness/src/bench/*.ts; do run "$(basename "$b" .ts)" "$@"; done
    frontend
    ;;
  frontend) frontend "$@" ;;
  *) run "$which" "$@" ;;
esac
