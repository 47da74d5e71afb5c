// The platform seam (src/os/types.ts) stays the only way to the OS: no platform-neutral file
// imports a POSIX-only or Windows-only module, and neither family imports the other, so each OS
// loads only its own implementation's symbols.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));

/** Every .ts file under `dir`, as paths relative to src/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(src, path)] : [];
  });
}

/** The module specifiers a file imports (static imports and re-exports). */
function imports(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)].map((m) => (m[1] ?? m[2])!);
}

/** The file a relative specifier names, relative to src/ (undefined for packages). */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(src, join(src, file, '..', specifier)).replace(/\.js$/, '.ts');
}

const family = (file: string): 'posix' | 'win32' | 'neutral' =>
  file.startsWith(join('os', 'posix')) ? 'posix' : file.startsWith(join('os', 'win32')) ? 'win32' : 'neutral';

/** Per-OS constant tables, picked by platform/index.ts; only each family's own code imports them directly. */
const platformTable = (file: string): boolean => file.startsWith('platform') && !/platform[\\/](index|types)\.ts$/.test(file);

describe('the os/ seam', () => {
  const files = sources(src);

  it('finds both families and the selector', () => {
    expect(files).toContain(join('os', 'index.ts'));
    expect(files.some((f) => family(f) === 'posix')).toBe(true);
    expect(files.some((f) => family(f) === 'win32')).toBe(true);
  });

  it('no platform-neutral file imports os/posix, os/win32 or a per-OS table (only os/index.ts picks one)', () => {
    const offending: string[] = [];
    for (const file of files) {
      if (family(file) !== 'neutral' || file === join('os', 'index.ts') || file.startsWith('platform')) continue;
      for (const specifier of imports(file)) {
        const to = target(file, specifier);
        if (to !== undefined && (family(to) !== 'neutral' || platformTable(to))) offending.push(`${file} -> ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('neither family imports the other', () => {
    const offending: string[] = [];
    for (const file of files) {
      const own = family(file);
      if (own === 'neutral') continue;
      for (const specifier of imports(file)) {
        const to = target(file, specifier);
        if (to !== undefined && family(to) !== 'neutral' && family(to) !== own) offending.push(`${file} -> ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
