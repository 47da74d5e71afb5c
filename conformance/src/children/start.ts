// How every child script of the suite starts (the files of this folder run as scripts, started by
// SuiteContext.runChildScript / spawnChildScript): its arguments, and the backend under test loaded
// from the module the parent named, as a user's import would.
//   <child>.js <module URL> <export name> [args...]
import type { Backend } from '@memmap/core';

export interface ChildStart {
  backend: Backend;
  /** file: URL of the module exporting the backend (for Workers this child starts). */
  moduleUrl: string;
  exportName: string;
  /** The arguments after the export name. */
  args: string[];
}

export async function startChild(): Promise<ChildStart> {
  // Bun (JavaScriptCore) has no --expose-gc: its own collector stands in for gc().
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  const bun = g.Bun;
  if (typeof g.gc !== 'function' && bun !== undefined) g.gc = () => bun.gc(true);
  // argv[0] is the runtime and argv[1] this script under node, bun and deno alike; runtime options
  // (--expose-gc, --v8-flags) come before the script and are not in process.argv.
  const [moduleUrl = '', exportName = 'backend', ...args] = process.argv.slice(2);
  const m = (await import(moduleUrl)) as Record<string, unknown>;
  return { backend: (m[exportName] ?? m.default) as Backend, moduleUrl, exportName, args };
}

/** Prints `value` as the one JSON line the parent reads (lastJsonLine). */
export function report(value: unknown): void {
  console.log(JSON.stringify(value));
}
