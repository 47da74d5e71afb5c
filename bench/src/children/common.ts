// What the bench's child scripts share: their arguments (one JSON argument after the script),
// loading a memmap backend from its module URL, and the last stdout line with the CPU time.
import type { Backend } from '@memmap/core';

/** The child's arguments: the JSON object its parent passed as the first argument. */
export function childArgs<T>(): T {
  return JSON.parse(process.argv[2] ?? '{}') as T;
}

/** The backend `exportName` of the module at `moduleUrl` (or its default export). */
export async function loadBackend(moduleUrl: string, exportName: string): Promise<Backend> {
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  return (mod[exportName] ?? mod.default) as Backend;
}

/** Prints the child's CPU time (user + system, µs) as its last stdout line, which the parent reads. */
export function reportCpu(): void {
  process.stdout.write(`${JSON.stringify({ cpu: process.cpuUsage().user + process.cpuUsage().system })}\n`);
}
