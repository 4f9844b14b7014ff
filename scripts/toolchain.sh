# Sourced by the other scripts: makes sure Node 22 or 24 and a Yarn launcher
# are on the PATH, and that native modules (better-sqlite3) can find Node's
# headers. On a machine with only Node 20 and npm, it brings Node 22 and
# Yarn 1 (a launcher for the Yarn 4 release committed in .yarn/releases)
# from the npm registry into .toolchain/ (gitignored), once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLCHAIN="$ROOT/.toolchain"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

case "$(node_major)" in
  22|24) ;;
  *)
    if [ ! -x "$TOOLCHAIN/node_modules/.bin/node" ]; then
      echo "toolchain: Node $(node --version 2>/dev/null || echo missing) found; installing Node 22 and Yarn into .toolchain/ from the npm registry"
      npm install --prefix "$TOOLCHAIN" --no-save --no-audit --no-fund node@22 yarn@1.22.22 >/dev/null
    fi
    export PATH="$TOOLCHAIN/node_modules/.bin:$PATH"
    ;;
esac

if ! command -v yarn >/dev/null 2>&1; then
  if [ ! -x "$TOOLCHAIN/node_modules/.bin/yarn" ]; then
    echo "toolchain: installing a Yarn launcher into .toolchain/"
    npm install --prefix "$TOOLCHAIN" --no-save --no-audit --no-fund yarn@1.22.22 >/dev/null
  fi
  export PATH="$TOOLCHAIN/node_modules/.bin:$PATH"
fi

# Yarn does not read ~/.npmrc, so node-gyp needs the headers' location here,
# and they must be the headers of the Node that runs the project (under
# `npm test`, npm exports its own nodedir, possibly another Node's).
nodedir="$(node -p '
  const path = require("path"), fs = require("fs");
  const exe = fs.realpathSync(process.execPath);
  const candidates = [
    path.resolve(exe, "../.."),
    // the "node" package of the npm registry keeps its headers beside the binary
    path.resolve(exe, "../../node_modules", `node-${process.platform}-${process.arch}`),
  ];
  candidates.find(d => fs.existsSync(path.join(d, "include/node/node.h"))) || ""
')"
if [ -n "$nodedir" ]; then
  export npm_config_nodedir="$nodedir"
else
  echo "toolchain: warning: no headers found for $(node --version); native modules may fail to build" >&2
fi

export YARN_ENABLE_TELEMETRY=0
cd "$ROOT"
echo "toolchain: node $(node --version), yarn $(yarn --version)"
