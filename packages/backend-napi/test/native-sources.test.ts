// binding.gyp is the one list of native sources (node-gyp and scripts/prebuild.mjs both build from
// it): every src/native/*.cc is listed there exactly once, common or under its OS family, and
// everything listed exists.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nativeSources } from '../scripts/native-sources.mjs';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const onDisk = readdirSync(new URL('../src/native', import.meta.url)).filter((f) => f.endsWith('.cc'));
const listed = nativeSources(pkgDir);

/** Where a file belongs by its name: foo_posix.cc and foo_win.cc to their family, the rest to all. */
const familyOf = (file: string): keyof typeof listed => (/_(posix|win)\.cc$/.exec(file)?.[1] as 'posix' | 'win' | undefined) ?? 'common';

describe('binding.gyp lists the native sources', () => {
  it.each(onDisk)('%s: exactly once, in its own list', (file) => {
    const places = Object.entries(listed).flatMap(([list, paths]) => paths.filter((p) => p === `src/native/${file}`).map(() => list));
    expect(places).toEqual([familyOf(file)]);
  });

  it('and nothing that is not there', () => {
    const missing = Object.values(listed)
      .flat()
      .filter((p) => !onDisk.includes(p.replace(/^src\/native\//, '')));
    expect(missing).toEqual([]);
  });
});
