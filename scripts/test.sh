#!/usr/bin/env bash
# Installs everything and runs every test: typecheck, lint, each workspace's
# jest tests (database tests on SQLite and on PostgreSQL at 127.0.0.1:5432),
# then the end-to-end tests against the running demo (HTTP API and browser).
source "$(dirname "$0")/toolchain.sh"

if [ "${CI:-}" = "true" ]; then yarn install --immutable; else yarn install; fi

# PostgreSQL for the database tests: start the local cluster if it is down.
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi
export BACKSTAGE_TEST_DISABLE_DOCKER=1
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"

step() { echo; echo "=== $* ==="; }
step "typecheck"; yarn tsc
step "API reports (after a public API change: yarn build:api-reports, commit report*.api.md)"; yarn build:api-reports:only --ci
step "changesets (.changeset/README.md)"; node scripts/check-changesets.mjs
step "lint"; yarn lint:all
step "packages: build, pack, check the tarballs (dist-packs/)"; yarn pack:packages
step "unit and integration tests"; CI=true yarn test:unit
step "end-to-end tests"; yarn test:e2e
