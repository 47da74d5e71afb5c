#!/usr/bin/env bash
# npm run test:bun / test:deno: the conformance suite (napi, ffi, fallback) and the examples under
# Bun or Deno, without vitest (memmap-conformance run). The runtime comes from npm (packages bun /
# deno, cached in .cache/<runtime>), as the Node matrix does. Ends with one summary line.
# Usage: scripts/test-runtime.sh bun|deno   (MEMMAP_BUN_VERSION / MEMMAP_DENO_VERSION pick a version)
set -uo pipefail
cd "$(dirname "$0")/.."
runtime=${1:?usage: scripts/test-runtime.sh bun|deno}
case "$runtime" in
  bun) version=${MEMMAP_BUN_VERSION:-1.4} ;;
  deno) version=${MEMMAP_DENO_VERSION:-2.9} ;;
  *) echo "unknown runtime $runtime (bun or deno)" >&2; exit 2 ;;
esac
arch=$(node -p 'process.arch')
cache=".cache/$runtime"

# The runtime's binary in the npm install, or nothing.
find_bin() {
  local candidates
  if [ "$runtime" = bun ]; then
    # bun's postinstall swaps its placeholder bin/bun.exe for the platform binary; take that one
    # directly if the postinstall did not run.
    candidates="$cache/node_modules/bun/bin/bun.exe $cache/node_modules/@oven/bun-linux-${arch/arm64/aarch64}/bin/bun"
  else
    candidates="$cache/node_modules/@deno/linux-${arch}-glibc/deno $cache/node_modules/deno/deno"
  fi
  for c in $candidates; do
    if [ -x "$c" ] && "$c" --version >/dev/null 2>&1; then echo "$PWD/$c"; return 0; fi
  done
  return 1
}

bin=$(find_bin)
if [ -z "$bin" ]; then
  echo "== installing $runtime@$version into $cache" >&2
  npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund "$runtime@$version" >&2
  bin=$(find_bin) || { echo "test:$runtime: FAIL ($runtime@$version did not install a runnable binary)"; exit 1; }
fi
[ -f conformance/dist/cli.js ] || TURBO_TELEMETRY_DISABLED=1 npx turbo run build >&2

# run_js <file> [args...]: a JS/TS file under the runtime, as a user would. The examples import
# their TypeScript neighbours as './ring.js' (Node's convention); Deno resolves that to ring.ts
# only with --sloppy-imports.
run_js() {
  if [ "$runtime" = deno ]; then "$bin" run -A --quiet --sloppy-imports "$@"; else "$bin" "$@"; fi
}

label="$runtime $("$bin" --version | head -1 | sed 's/^deno //; s/ (.*//')"
echo "== conformance suite under $label" >&2
log=$(mktemp)
run_js conformance/dist/cli.js run | tee "$log"
suite_status=${PIPESTATUS[0]}
suite_line=$(grep -E '^conformance on ' "$log" | tail -1)

echo "== info and examples under $label" >&2
scratch=$(mktemp -d)
examples_ok=0
examples_failed=0
check() { # check <name> <expected> <actual>
  if [ "$2" = "$3" ]; then examples_ok=$((examples_ok + 1)); echo "  ok   $1"
  else examples_failed=$((examples_failed + 1)); echo "  FAIL $1: expected [$2], got [$3]"; fi
}
info=$(run_js conformance/dist/cli.js info 2>&1)
version=$("$bin" --version | head -1 | sed 's/^deno //; s/ (.*//')
check "info reports the runtime" "Runtime: $runtime $version" "$(grep -o "^Runtime: $runtime [^ ]*" <<<"$info")"
check "loadBackend() reports the runtime" "under $runtime $version" "$(grep -o "under $runtime [0-9.]*" <<<"$info" | head -1)"
for backend in napi ffi fallback; do
  printf 'abcdefghijKLMNOP' > "$scratch/example-$backend.dat"
  out=$(cd examples && MEMMAP_BACKEND=$backend run_js read-first-bytes.ts "$scratch/example-$backend.dat" 2>&1)
  check "$backend: read-first-bytes" '<Buffer 61 62 63 64 65 66 67 68 69 6a>' "$out"
  out=$(cd examples && MEMMAP_BACKEND=$backend run_js ipc-writer.ts "$scratch/shared-$backend.dat" 2>&1)
  check "$backend: ipc-writer" "wrote 15 bytes to $scratch/shared-$backend.dat" "$out"
  out=$(cd examples && MEMMAP_BACKEND=$backend run_js ipc-reader.ts "$scratch/shared-$backend.dat" 2>&1)
  check "$backend: ipc-reader" 'IPC using mmap!' "$out"
  # The ring between two processes of this runtime (where the backend can wait/notify): 1000
  # messages through 128 bytes, so the producer waits for room and the consumer for data.
  caps=$(cd examples && run_js test/children/backend-probe.mjs "$backend" 2>&1)
  if grep -q '"waitNotify":true' <<<"$caps"; then
    ring="$scratch/ring-$backend.dat"
    (cd examples && MEMMAP_BACKEND=$backend run_js ring-consumer.ts "$ring" 128 >"$ring.out" 2>&1) &
    consumer=$!
    out=$(cd examples && MEMMAP_BACKEND=$backend run_js ring-producer.ts "$ring" 1000 128 2>&1)
    wait "$consumer"
    check "$backend: ring-producer" 'sent 1000 messages' "$out"
    check "$backend: ring-consumer, message count and last message" "1000 message 1000 " "$(wc -l <"$ring.out" | tr -d ' ') $(tail -1 "$ring.out")"
  fi
done
rm -rf "$scratch" "$log"

if [ "$suite_status" -eq 0 ] && [ "$examples_failed" -eq 0 ] && [ -n "$suite_line" ]; then result=PASS; else result=FAIL; fi
echo "test:$runtime: $result ($label; ${suite_line#*: }; info + examples: $examples_ok passed, $examples_failed failed)"
[ "$result" = PASS ]
