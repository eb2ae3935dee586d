#!/usr/bin/env bash
# Browser test of the web UI: installs Debian's chromium and playwright-core (npm), builds the
# release binary if needed, and runs tests/browser/test.mjs (screenshot in target/browser/).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  apt-get install -y -qq nodejs npm >/dev/null
fi
[ -x target/release/dateline ] || cargo build --release -p dateline
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
node tests/browser/test.mjs
