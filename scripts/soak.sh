#!/usr/bin/env bash
# The soak: two backend replicas on one PostgreSQL under mixed load
# with Identity Center faults, for `npm run soak -- [minutes]` (default 10).
# The default test run has a 1-minute version of it
# (packages/jit-access-harness/src/soak.test.ts). Writes
# docs/benchmarks/soak.json and soak.md.
source "$(dirname "$0")/toolchain.sh"
cd "$ROOT"
[ -d node_modules ] || yarn install
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
export BACKSTAGE_TEST_DISABLE_DOCKER=1
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="${BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING:-postgresql://postgres@127.0.0.1:5432}"
export JIT_SOAK_MINUTES="${1:-10}"
mkdir -p docs/benchmarks
export JIT_SOAK_REPORT="$ROOT/docs/benchmarks/soak.json"
status=0
(cd packages/jit-access-harness && CI=true yarn backstage-cli package test src/soak.test.ts) || status=$?
node -e '
  const r = require(process.argv[1]);
  const rss = r.rssMiB.map((m, i) => `| replica ${i + 1} | ${m.start} MiB | ${m.end} MiB | ${m.max} MiB |`).join("\n");
  const md = `Soak, ${new Date().toISOString()}: ${r.durationSeconds / 60} min, ${r.replicas} replicas on one PostgreSQL, emulator faults (5% 500s, 10% throttling on top of the quota), seed ${r.seed}

| | |
| --- | --: |
| HTTP calls | ${r.calls} |
| scenarios | ${Object.entries(r.scenarios).map(([k, v]) => `${k} ${v}`).join(", ")} |
| errors per minute (5xx or unexpected answers) | ${r.errorsPerMinute.join(" ")} |
| requests | ${r.requests} (${r.ended} ended, ${r.active} active at the end) |
| Identity Center calls | ${r.identityCenterCalls} (${r.throttledOrFailedByEmulator} throttled or failed by the emulator) |
| failed requests | ${r.failed.length} |
| unsettled after the load | ${r.unsettled.length} |
| missing / orphan assignments | ${r.missing.length} / ${r.orphans.length} |
| stray / missing temporary permission sets | ${r.strayPermissionSets.length} / ${r.missingPermissionSets.length} |
| duplicated transitions | ${r.duplicateTransitions.length} |
| illegal event chains | ${r.illegalChains.length} |

| | RSS after warm-up | at the end | max |
| --- | --: | --: | --: |
${rss}
`;
  require("fs").writeFileSync(process.argv[1].replace(/json$/, "md"), md);
  console.log(md);
' "$JIT_SOAK_REPORT" || true
exit $status
