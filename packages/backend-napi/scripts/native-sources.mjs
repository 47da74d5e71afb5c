// binding.gyp is the one list of the addon's sources: node-gyp builds from it, scripts/prebuild.mjs
// reads it through nativeSources(), and test/native-sources.test.ts checks that it names every
// src/native/*.cc exactly once (common, or under its OS family's condition).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** binding.gyp's OS conditions, each with the family of platform files (*_posix.cc, *_win.cc) it adds. */
const families = { "OS!='win'": 'posix', "OS=='win'": 'win' };

/**
 * binding.gyp's sources, as written there (relative to the package): the common ones and each OS
 * family's (gyp files are JSON with # comments and trailing commas).
 *
 * @param {string} pkgDir - the napi package's directory
 * @returns {{ common: string[], posix: string[], win: string[] }}
 */
export function nativeSources(pkgDir) {
  const gyp = readFileSync(join(pkgDir, 'binding.gyp'), 'utf8').replace(/^\s*#.*$/gm, '');
  const target = JSON.parse(gyp.replace(/,(\s*[}\]])/g, '$1')).targets[0];
  const sources = { common: [...target.sources], posix: [], win: [] };
  for (const [condition, settings] of target.conditions ?? []) {
    const family = families[condition];
    if (family === undefined) {
      throw new Error(`binding.gyp: condition ${JSON.stringify(condition)} is none of ${Object.keys(families).join(', ')}`);
    }
    sources[family].push(...(settings.sources ?? []));
  }
  return sources;
}
