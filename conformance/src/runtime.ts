// The JavaScript runtime this process runs in, and how to start another process of the same
// runtime on a script file (child-process checks must test the runtime under test, not Node).

import { type RuntimeInfo, runtime } from '@memmap/core';

export type { RuntimeInfo } from '@memmap/core';

export function currentRuntime(): RuntimeInfo {
  return runtime();
}

/** 'bun 1.4.5 (linux-x64)'. */
export function runtimeLabel(r: RuntimeInfo = runtime()): string {
  return `${r.name} ${r.version} (${process.platform}-${process.arch})`;
}

/** V8 flags the children of the suite ask for; other runtimes get them their own way. */
const V8_FLAG = /^--(expose-gc|expose_gc|max-semi-space-size|max-old-space-size|stack-size)(=|$)/;

/**
 * argv (after the executable) that runs the ES module file `script` with `args` under the current
 * runtime. `nodeArgs` are Node options: under Deno, V8 flags become --v8-flags and the rest is
 * dropped; under Bun (JavaScriptCore) they are dropped and the child prelude supplies `gc()`.
 */
export function childArgv(script: string, args: string[], nodeArgs: string[] = []): string[] {
  const runtime = currentRuntime().name;
  if (runtime === 'deno') {
    const v8 = nodeArgs.filter((a) => V8_FLAG.test(a));
    return ['run', '-A', '--quiet', '--node-modules-dir=manual', ...(v8.length ? [`--v8-flags=${v8.join(',')}`] : []), script, ...args];
  }
  if (runtime === 'bun') return ['run', script, ...args];
  return [...nodeArgs, script, ...args];
}

/**
 * Source every child script starts with: it drops the script path from process.argv (so
 * process.argv[1] is the first argument, as under `node -e`), and gives Bun a `gc()` that collects.
 */
export const CHILD_RUNTIME_PRELUDE = [
  `process.argv.splice(1, 1);`,
  `if (typeof globalThis.gc !== 'function' && typeof globalThis.Bun !== 'undefined') globalThis.gc = () => globalThis.Bun.gc(true);`,
].join('\n');
