// Where a backend module lives, as a file: URL any process (a child, a worker) can import.
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Resolves a module specifier (package name, path or file: URL) from the working directory, as a
 * user's own import would, else from this package (the in-repo backends sit beside it).
 */
export function resolveModuleUrl(spec: string): string {
  if (spec.startsWith('file:')) return spec;
  if (isAbsolute(spec) || spec.startsWith('.')) return pathToFileURL(resolve(spec)).href;
  try {
    return pathToFileURL(createRequire(join(process.cwd(), '__memmap_bench__.js')).resolve(spec)).href;
  } catch {
    return import.meta.resolve(spec);
  }
}
