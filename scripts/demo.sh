#!/usr/bin/env bash
# Installs everything and starts the demo portal on its embedded defaults:
# frontend http://localhost:3000, backend http://localhost:7007, SQLite under
# data/, the demo catalog, and the Identity Center emulator on 127.0.0.1:7311.
source "$(dirname "$0")/toolchain.sh"
yarn install
mkdir -p data/sqlite
exec yarn start
