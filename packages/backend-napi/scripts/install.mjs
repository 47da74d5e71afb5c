#!/usr/bin/env node
// The package's install step, which must never fail the install (npm would then install nothing,
// not even the backends that need no compiler):
//   1. a prebuild for this platform that loads here: done, nothing to compile;
//   2. else build from source with node-gyp when a toolchain is on PATH;
//   3. else one warning line and exit 0. At run time the addon then reports why it cannot load
//      and @memmap/core's loadBackend() picks the next backend (ffi, then fallback).
// npm_config_build_from_source=true (npm install --build-from-source) skips step 1.
// Installs that run no scripts (--ignore-scripts) skip all of this and still load the prebuild.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(pkgDir, 'package.json'));
const tag = '@memmap/backend-napi:';

function prebuildLoads() {
  // Ask node-gyp-build for prebuilds only (it reads PREBUILDS_ONLY when first loaded).
  process.env.PREBUILDS_ONLY = '1';
  let file;
  try {
    file = require('node-gyp-build').resolve(pkgDir);
  } catch {
    return { ok: false, why: `no prebuild for ${process.platform}-${process.arch}` };
  }
  try {
    require(file);
    return { ok: true, file };
  } catch (error) {
    return { ok: false, why: `the prebuild ${file} does not load here (${String(error?.message ?? error).split('\n')[0]})` };
  }
}

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of process.platform === 'win32' ? ['.exe', '.cmd', '.bat', ''] : ['']) {
      try {
        accessSync(join(dir, cmd + ext), constants.X_OK);
        return true;
      } catch {}
    }
  }
  return false;
}

function missingToolchain() {
  if (process.platform === 'win32') return []; // node-gyp finds Visual Studio itself
  const cxx = process.env.CXX ?? 'g++';
  const python = process.env.npm_config_python ?? process.env.PYTHON ?? 'python3';
  const compilers = [cxx, 'c++', 'clang++'];
  const missing = [];
  if (!onPath(python) && !onPath('python')) missing.push('python3');
  if (!onPath('make')) missing.push('make');
  if (!compilers.some(onPath)) missing.push('a C++ compiler');
  return missing;
}

function buildFromSource() {
  // npm tells scripts where its bundled node-gyp is; else a node-gyp on PATH.
  const bundled = process.env.npm_config_node_gyp;
  const [cmd, args] = bundled ? [process.execPath, [bundled, 'rebuild']] : ['node-gyp', ['rebuild']];
  const logDir = mkdtempSync(join(tmpdir(), 'memmap-napi-build-'));
  const log = join(logDir, 'node-gyp.log');
  const r = spawnSync(cmd, args, { cwd: pkgDir, encoding: 'utf8', shell: !bundled && process.platform === 'win32' });
  if (r.status === 0) {
    rmSync(logDir, { recursive: true, force: true });
    return { ok: true };
  }
  writeFileSync(log, `${r.stdout ?? ''}\n${r.stderr ?? ''}\n${r.error ?? ''}`);
  // A half-built build/ must not shadow a prebuild or mislead node-gyp-build.
  rmSync(join(pkgDir, 'build'), { recursive: true, force: true });
  return { ok: false, why: `building from source failed (log: ${log})` };
}

const fromSource = process.env.npm_config_build_from_source === 'true';
const prebuild = fromSource ? { ok: false, why: 'build from source requested' } : prebuildLoads();
if (!prebuild.ok) {
  const missing = missingToolchain();
  const built =
    missing.length === 0 ? buildFromSource() : { ok: false, why: `no toolchain to build from source (missing ${missing.join(', ')})` };
  if (!built.ok) {
    console.warn(`${tag} native addon unavailable (${prebuild.why}; ${built.why}); memmap will use another backend (ffi or fallback).`);
  }
}
process.exit(0);
