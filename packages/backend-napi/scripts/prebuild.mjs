#!/usr/bin/env node
// Builds the N-API prebuilds shipped inside the package, one binary per platform, from this Linux
// machine: linux-x64 with the host g++, linux-arm64 with aarch64-linux-gnu-g++, win32-x64 with
// mingw-w64 (x86_64-w64-mingw32-g++, posix threads). N-API is ABI-stable, so one binary serves every
// Node version. Layout is what node-gyp-build 4 looks up:
//   prebuilds/<platform>-<arch>/memmap.napi[.glibc].node
// (the .glibc tag keeps musl systems from loading a glibc binary; they build from source instead).
//
// Usage: node scripts/prebuild.mjs [--target linux-x64,linux-arm64,win32-x64] [--force] [--strict]
//   A target whose platform sources binding.gyp does not list yet is reported as not buildable and skipped;
//   a missing compiler fails the run with --strict (packing for release), else it is skipped too.
//   MEMMAP_PREBUILD_TARGETS=... is the same as --target.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeSources } from './native-sources.mjs';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(pkgDir, 'src', 'native');
const require = createRequire(join(pkgDir, 'package.json'));

// One source list for every build: binding.gyp's, common and per OS family (native-sources.mjs).
const gypSources = nativeSources(pkgDir);
const sourcesOf = (family) => [...gypSources.common, ...gypSources[family]].map((s) => join(pkgDir, s));

const defines = ['NAPI_VERSION=8', 'NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS', 'BUILDING_NODE_EXTENSION'];
const cxxflags = ['-std=c++17', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-fvisibility=hidden'];

const linuxFlags = ['-fPIC', '-D_FILE_OFFSET_BITS=64', '-ffunction-sections', '-fdata-sections'];
// libstdc++ linked in statically (and its symbols kept private, unused parts dropped), so the binary
// needs only glibc and libgcc_s (there on every glibc system). The shared libgcc_s keeps the static
// unwinder's _dl_find_object (glibc 2.35) out; dropping random.o keeps arc4random (2.36) out.
// Undefined napi_* symbols resolve in node itself.
const linuxLink = [
  '-shared',
  '-static-libstdc++',
  '-pthread',
  '-lrt',
  '-ldl',
  '-Wl,--as-needed',
  '-Wl,--exclude-libs,ALL',
  '-Wl,--gc-sections',
  '-s',
];

const targets = {
  'linux-x64': {
    cxx: 'g++',
    family: 'posix',
    file: 'memmap.napi.glibc.node',
    apt: 'g++',
    flags: linuxFlags,
    link: linuxLink,
  },
  'linux-arm64': {
    cxx: 'aarch64-linux-gnu-g++',
    family: 'posix',
    file: 'memmap.napi.glibc.node',
    apt: 'g++-aarch64-linux-gnu',
    flags: linuxFlags,
    link: linuxLink,
  },
  'win32-x64': {
    cxx: 'x86_64-w64-mingw32-g++-posix',
    altCxx: ['x86_64-w64-mingw32-g++'],
    dlltool: 'x86_64-w64-mingw32-dlltool',
    family: 'win',
    file: 'memmap.napi.node',
    apt: 'g++-mingw-w64-x86-64-posix',
    // Windows 8 APIs (PrefetchVirtualMemory) are declared from _WIN32_WINNT 0x0602 on.
    flags: ['-D_WIN32_WINNT=0x0602', '-DWIN32_LEAN_AND_MEAN', '-DNOMINMAX'],
    // -static: no libstdc++/libgcc/libwinpthread DLL needed beside the addon.
    link: ['-shared', '-static', '-s'],
  },
};

function parseArgs(argv) {
  const opts = { targets: process.env.MEMMAP_PREBUILD_TARGETS?.split(',').filter(Boolean), force: false, strict: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--force') opts.force = true;
    else if (a === '--strict') opts.strict = true;
    else if (a === '--target') opts.targets = argv[++i].split(',').filter(Boolean);
    else if (a.startsWith('--target=')) opts.targets = a.slice(9).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${a}`);
  }
  opts.targets ??= Object.keys(targets);
  for (const t of opts.targets) if (!targets[t]) throw new Error(`unknown target ${t} (known: ${Object.keys(targets).join(', ')})`);
  return opts;
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v "${cmd}"`], { encoding: 'utf8' }).status === 0;
}

function newestMtime(files) {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

/** An import library for node.exe: Node-API (node-api-headers' def) plus libuv's uv_get_osfhandle. */
function nodeImportLib(dlltool, outDir) {
  const lib = join(outDir, 'libnode_api.a');
  const def = join(outDir, 'node_api.def');
  const base = readFileSync(require('node-api-headers').def_paths.node_api_def, 'utf8').trimEnd();
  writeFileSync(def, `${base}\nuv_get_osfhandle\n`);
  execFileSync(dlltool, ['-d', def, '-l', lib, '-D', 'node.exe'], { stdio: 'inherit' });
  return lib;
}

function build(name, opts) {
  const t = targets[name];
  if (gypSources[t.family].length === 0) return { name, status: 'not buildable', why: `binding.gyp lists no ${t.family} sources yet` };
  const cxx = [t.cxx, ...(t.altCxx ?? [])].find(which);
  if (!cxx) return { name, status: 'no compiler', why: `${t.cxx} not found (apt-get install ${t.apt})` };

  const sources = sourcesOf(t.family);
  const includes = [require('node-api-headers').include_dir, dirname(require.resolve('node-addon-api/napi.h'))];
  const outDir = join(pkgDir, 'prebuilds', name);
  const out = join(outDir, t.file);
  const inputs = [
    ...sources,
    ...readdirSync(nativeDir)
      .filter((f) => f.endsWith('.h'))
      .map((f) => join(nativeDir, f)),
    fileURLToPath(import.meta.url),
    fileURLToPath(new URL('native-sources.mjs', import.meta.url)),
    join(pkgDir, 'binding.gyp'),
  ];
  if (!opts.force && existsSync(out) && statSync(out).mtimeMs > newestMtime(inputs)) {
    return { name, status: 'up to date', out };
  }
  // One binary per directory: a stale file under another name would shadow or confuse the lookup.
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tmp = join(pkgDir, 'build', `prebuild-${name}`);
  mkdirSync(tmp, { recursive: true });
  const libs = t.family === 'win' ? [nodeImportLib(t.dlltool, tmp)] : [];
  const args = [
    ...cxxflags,
    ...t.flags,
    ...defines.map((d) => `-D${d}`),
    ...includes.map((i) => `-I${i}`),
    ...sources,
    '-o',
    out,
    ...t.link,
    ...libs,
  ];
  const started = Date.now();
  const r = spawnSync(cxx, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    rmSync(out, { force: true });
    return { name, status: 'failed', why: `${cxx} exited with ${r.status ?? r.signal}` };
  }
  return { name, status: 'built', out, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

/** The newest GLIBC_x.y symbol version a Linux binary needs (what the README's table states). */
function glibcNeeded(file) {
  const objdump = ['objdump', 'aarch64-linux-gnu-objdump'].find(which);
  if (!objdump) return undefined;
  const r = spawnSync(objdump, ['-T', file], { encoding: 'utf8' });
  const versions = [...(r.stdout ?? '').matchAll(/GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [+m[1], +m[2], +(m[3] ?? 0)]);
  if (versions.length === 0) return undefined;
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return versions
    .at(-1)
    .filter((v, i) => i < 2 || v)
    .join('.');
}

const opts = parseArgs(process.argv.slice(2));
const results = opts.targets.map((name) => build(name, opts));
let failed = false;
for (const r of results) {
  let line = `prebuild ${r.name}: ${r.status}`;
  if (r.out) {
    line += ` ${relative(pkgDir, r.out)} (${(statSync(r.out).size / 1024).toFixed(0)} KiB`;
    if (r.name.startsWith('linux')) line += `, needs glibc >= ${glibcNeeded(r.out) ?? '?'}`;
    line += r.seconds ? `, ${r.seconds} s)` : ')';
  }
  if (r.why) line += `: ${r.why}`;
  console.log(line);
  if (r.status === 'failed' || (opts.strict && r.status === 'no compiler')) failed = true;
}
process.exit(failed ? 1 : 0);
