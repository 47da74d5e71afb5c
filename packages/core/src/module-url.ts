// Where a backend module lives, as a file: URL any process (a child, a Worker) can import: the
// conformance suite and the benchmarks both take backends as module specifiers.
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Resolves a module specifier (package name, path or file: URL) to a file: URL: paths from the
 * working directory, package names as a user's own import from the working directory would, else
 * from `@memmap/core`'s own location (where the in-repo backends sit beside it). For tools that
 * hand a backend to child processes and Workers.
 *
 * @param spec - a package name, a relative or absolute path, or a file: URL
 * @returns a file: URL
 * @throws Error when the package cannot be found from either place
 * @example
 * ```ts
 * import { resolveModuleUrl } from '@memmap/core';
 * const url = resolveModuleUrl('@memmap/backend-napi'); // 'file:///.../backend-napi/dist/index.js'
 * ```
 */
export function resolveModuleUrl(spec: string): string {
  if (spec.startsWith('file:')) return spec;
  if (isAbsolute(spec) || spec.startsWith('.')) return pathToFileURL(resolve(spec)).href;
  try {
    return pathToFileURL(createRequire(join(process.cwd(), '__memmap_resolve__.js')).resolve(spec)).href;
  } catch {
    return import.meta.resolve(spec);
  }
}
