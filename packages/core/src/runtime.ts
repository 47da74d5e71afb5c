// The JavaScript runtime this process runs in. Node, Bun and Deno all load the backends, each with
// its own limits (Buffer sizes, detaching, JIT): loadBackend() and the CLI report which one it is.

/** Which JavaScript runtime this is, as {@link runtime} reports it. */
export interface RuntimeInfo {
  /** The runtime's name. */
  readonly name: 'node' | 'bun' | 'deno';
  /** The runtime's own version ('22.12.0', '1.4.5', '2.9.6'), not the Node version it emulates. */
  readonly version: string;
}

declare const Bun: { version: string } | undefined;
declare const Deno: { version: { deno: string } } | undefined;

let cached: RuntimeInfo | undefined;

/**
 * The runtime this process runs in, and its own version. Never throws.
 *
 * @example
 * ```ts
 * import { runtime } from '@memmap/core';
 * console.log(runtime()); // { name: 'bun', version: '1.4.5' }
 * ```
 */
export function runtime(): RuntimeInfo {
  cached ??= Object.freeze(
    typeof Bun !== 'undefined'
      ? { name: 'bun' as const, version: Bun.version }
      : typeof Deno !== 'undefined'
        ? { name: 'deno' as const, version: Deno.version.deno }
        : { name: 'node' as const, version: process.versions.node },
  );
  return cached;
}

/** The runtime as text: 'node 22.12.0', 'bun 1.4.5', 'deno 2.9.6'. Never throws. */
export function runtimeLabel(): string {
  const r = runtime();
  return `${r.name} ${r.version}`;
}
