#!/usr/bin/env node
// Part of `npm run build`: keeps build/Release/memmap.node (which the package loads before any
// prebuild) current with src/native and binding.gyp, so a source change is never tested against a
// stale addon. Cheap when nothing changed (an mtime check). It only refreshes an addon that exists:
// where the install step kept a prebuild instead, there is nothing to go stale and nothing is built.
//
// Usage: node scripts/build-native.mjs [--force]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(pkgDir, 'src', 'native');
const addon = join(pkgDir, 'build', 'Release', 'memmap.node');
const gyp = join(pkgDir, 'binding.gyp');
const force = process.argv.includes('--force');

if (!existsSync(addon) && !force) {
  console.log('build-native: no build/Release addon here (a prebuild is used); nothing to refresh');
  process.exit(0);
}
const inputs = [gyp, ...readdirSync(nativeDir).map((f) => join(nativeDir, f))];
const newestInput = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (!force && statSync(addon).mtimeMs > newestInput) {
  console.log('build-native: build/Release/memmap.node is up to date');
  process.exit(0);
}
// `node-gyp build` recompiles only what changed; a changed binding.gyp (or no Makefile yet) needs
// the configure step of `rebuild`.
const configured = join(pkgDir, 'build', process.platform === 'win32' ? 'binding.sln' : 'Makefile');
const command = !force && existsSync(configured) && statSync(configured).mtimeMs > statSync(gyp).mtimeMs ? 'build' : 'rebuild';
// npm tells scripts where its bundled node-gyp is; else a node-gyp on PATH.
const bundled = process.env.npm_config_node_gyp;
const [cmd, args] = bundled ? [process.execPath, [bundled, command]] : ['node-gyp', [command]];
const started = Date.now();
const r = spawnSync(cmd, args, { cwd: pkgDir, stdio: 'inherit', shell: !bundled && process.platform === 'win32' });
if (r.status !== 0) {
  // Fail the build: testing the old addon against new sources is exactly what this step prevents.
  console.error(`build-native: node-gyp ${command} failed (${r.status ?? r.signal ?? r.error}); build/Release/memmap.node is stale`);
  process.exit(1);
}
// make leaves the addon untouched when only a file it does not compile here changed (a *_win.cc on
// Linux): mark it current, or every build would run make again.
const now = new Date();
utimesSync(addon, now, now);
console.log(`build-native: rebuilt build/Release/memmap.node (node-gyp ${command}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
