#!/usr/bin/env node
// Packaging test: what a user gets from npm, without the workspace. Packs every public package
// (the napi tarball carries its prebuilds), then in fresh projects outside the repo:
//   1. `npm install memmap` from the tarballs with a PATH holding only node and npm (no python3,
//      make or g++): install succeeds, napi loads from its prebuild, the examples run with plain node;
//   2. the same with --ignore-scripts: napi still loads from its prebuild;
//   3. the same with the prebuild for this platform removed: install succeeds with one warning,
//      ffi is chosen, and `npx memmap-conformance info` shows why napi did not load;
//   4. a third party checks its own backend module with `npx memmap-conformance check`.
// Prints one summary line; exit status 1 if any case failed.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'memmap-packaging-'));
const keep = process.env.MEMMAP_KEEP_PACKAGING === '1';
const platformTuple = `${process.platform}-${process.arch}`;
const results = [];
const facts = [];

function log(msg) {
  console.log(`[packaging] ${msg}`);
}

function run(cmd, args, opts = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  const seconds = (Date.now() - started) / 1000;
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error, seconds };
}

function check(name, fn) {
  try {
    const note = fn();
    results.push({ name, ok: true });
    log(`ok   ${name}${note ? `: ${note}` : ''}`);
  } catch (error) {
    results.push({ name, ok: false });
    log(`FAIL ${name}: ${error?.message ?? error}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

// CI runs as root on a clean machine: bring the cross compilers the release prebuilds need.
function ensureCompilers() {
  const wanted = [
    ['aarch64-linux-gnu-g++', 'g++-aarch64-linux-gnu'],
    ['x86_64-w64-mingw32-g++-posix', 'g++-mingw-w64-x86-64-posix'],
  ];
  const missing = wanted.filter(([cmd]) => run('sh', ['-c', `command -v ${cmd}`]).status !== 0).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing cross compilers: apt-get install ${missing.join(' ')}`);
  log(`installing ${missing.join(' ')}`);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** A PATH with node, npm, npx and the shell npm runs scripts with; no python3, make, g++, cc. */
function bareBin() {
  const bin = join(work, 'bare-bin');
  mkdirSync(bin);
  const nodeBin = process.execPath;
  symlinkSync(nodeBin, join(bin, 'node'));
  const npmCli = realpathSync(run('sh', ['-c', 'command -v npm']).stdout.trim());
  symlinkSync(npmCli, join(bin, 'npm'));
  symlinkSync(join(dirname(npmCli), 'npx-cli.js'), join(bin, 'npx'));
  symlinkSync(realpathSync(run('sh', ['-c', 'command -v sh']).stdout.trim()), join(bin, 'sh'));
  for (const tool of ['python3', 'python', 'make', 'g++', 'c++', 'cc', 'gcc', 'clang++']) {
    assert(!existsSync(join(bin, tool)), `${tool} in the bare PATH`);
  }
  return bin;
}

function packAll(dest) {
  const tarballs = {};
  mkdirSync(dest, { recursive: true });
  for (const ws of rootPkg.workspaces) {
    const pkg = JSON.parse(readFileSync(join(repo, ws, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    const r = run('npm', ['pack', '--pack-destination', dest, '--json'], { cwd: join(repo, ws) });
    if (r.status !== 0) throw new Error(`npm pack ${pkg.name} failed:\n${r.stderr}${r.stdout}`);
    const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0];
    tarballs[pkg.name] = join(dest, info.filename);
    packed.push({ dir: ws, pkg, files: info.files.map((f) => f.path) });
    facts.push(
      `${pkg.name} ${(info.size / 1024).toFixed(0)} KiB packed / ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${info.entryCount} files`,
    );
  }
  return tarballs;
}

// What a tarball may hold: compiled JS and types, the native sources, the install step, prebuilds.
const shippable =
  /^(package\.json|README\.md|LICENSE|dist\/.+\.(js|d\.ts)|binding\.gyp|src\/native\/[\w.]+\.(cc|h)|scripts\/install\.mjs|prebuilds\/[\w-]+\/[\w.]+\.node)$/;
const packed = [];

/** Every public package: only shippable files, the registry metadata set, `npm publish --dry-run` passes. */
function checkPublishable() {
  const notes = [];
  for (const { dir, pkg, files } of packed) {
    const extra = files.filter((f) => !shippable.test(f));
    assert(extra.length === 0, `${pkg.name} would ship ${extra.join(', ')}`);
    for (const f of ['package.json', 'README.md', 'LICENSE']) assert(files.includes(f), `${pkg.name} lacks ${f}`);
    assert(
      files.some((f) => f.endsWith('.d.ts')),
      `${pkg.name} ships no types`,
    );
    for (const key of ['description', 'keywords', 'license', 'repository', 'engines']) {
      assert(pkg[key] && (!Array.isArray(pkg[key]) || pkg[key].length > 0), `${pkg.name} has no ${key}`);
    }
    assert(pkg.license === 'MIT', `${pkg.name} license ${pkg.license}`);
    const r = run('npm', ['publish', '--dry-run'], { cwd: join(repo, dir) });
    assert(r.status === 0, `npm publish --dry-run ${pkg.name}:\n${r.stderr.slice(-2000)}`);
    notes.push(`${pkg.name} (${files.length} files)`);
  }
  const napi = packed.find(({ pkg }) => pkg.name === '@memmap/backend-napi')?.files;
  assert(napi, 'no @memmap/backend-napi tarball');
  for (const t of ['linux-x64', 'linux-arm64']) {
    assert(
      napi.some((f) => f.startsWith(`prebuilds/${t}/`)),
      `the napi tarball has no ${t} prebuild`,
    );
  }
  // win32-x64 is built once the Windows sources exist; a tarball must carry it from then on.
  const win = napi.some((f) => f.startsWith('prebuilds/win32-x64/'));
  const winSources = readdirSync(join(repo, 'packages/backend-napi/src/native')).some((f) => f.endsWith('_win.cc'));
  assert(
    win === winSources,
    winSources ? 'Windows sources exist but the tarball has no win32-x64 prebuild' : 'a win32-x64 prebuild without Windows sources',
  );
  notes.push(`prebuilds: ${napi.filter((f) => f.startsWith('prebuilds/')).join(', ')}`);
  return notes.join('; ');
}

/**
 * The napi tarball without the prebuild for this platform (as on a platform we ship none for), or
 * with it replaced by another platform's binary (a prebuild that exists but cannot load here).
 */
function alterPrebuild(tarball, replaceWith) {
  const dir = mkdtempSync(join(work, `alter-${replaceWith ?? 'none'}-`));
  execFileSync('tar', ['xzf', tarball, '-C', dir]);
  const own = join(dir, 'package', 'prebuilds', platformTuple);
  assert(existsSync(own), `the napi tarball has no prebuilds/${platformTuple}`);
  if (replaceWith) {
    const other = join(dir, 'package', 'prebuilds', replaceWith);
    for (const f of readdirSync(own)) cpSync(join(other, readdirSync(other)[0]), join(own, f));
  } else {
    rmSync(own, { recursive: true });
  }
  const out = join(dir, `${replaceWith ? `${replaceWith}-as` : 'no'}-${platformTuple}-${basename(tarball)}`);
  execFileSync('tar', ['czf', out, '-C', dir, 'package']);
  return out;
}

/** A fresh project whose @memmap/* dependencies resolve to the tarballs, never the registry. */
function project(name, tarballs, direct) {
  const dir = join(work, name);
  mkdirSync(dir);
  // npm refuses an override for a package the project installs directly: those come as specs.
  const overrides = Object.fromEntries(
    Object.entries(tarballs)
      .filter(([n]) => !direct.includes(n))
      .map(([n, t]) => [n, `file:${t}`]),
  );
  // npm 11 runs install scripts only for packages its allowScripts policy names (a tarball by its
  // file: spec): name ours and koffi's so the install step itself runs; case 2 covers none running.
  const allowScripts = { koffi: true, [`file:${tarballs['@memmap/backend-napi']}`]: true };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module', overrides, allowScripts }, null, 2));
  return dir;
}

function npmInstall(dir, env, specs, extra = []) {
  const r = run('npm', ['install', '--no-audit', '--no-fund', ...extra, ...specs], { cwd: dir, env });
  if (r.status !== 0) throw new Error(`npm install failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  return r;
}

/** Which backend memmap picks in `dir`, why, and which file napi's addon came from. */
function probe(dir, env) {
  const script = `
    import { createRequire } from 'node:module';
    import { defaultBackend, listBackends, selectionReason } from 'memmap';
    const chosen = defaultBackend().name;
    const napi = listBackends().find((s) => s.name === 'napi');
    let addon = null;
    try {
      const req = createRequire(import.meta.resolve('@memmap/backend-napi'));
      addon = req('node-gyp-build').resolve(new URL('..', import.meta.resolve('@memmap/backend-napi')).pathname);
    } catch (e) { addon = 'none: ' + e.message.split('\\n')[0]; }
    console.log(JSON.stringify({ chosen, reason: selectionReason(), napiError: napi?.error ?? null, addon }));
  `;
  const r = run('node', ['--input-type=module', '-e', script], { cwd: dir, env });
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** The examples as plain ESM for node (TypeScript's own transpiler lowers `using`), importing memmap. */
function writeExamples(dir) {
  const ts = createRequire(join(repo, 'package.json'))('typescript');
  for (const name of ['read-first-bytes', 'ipc-writer', 'ipc-reader']) {
    const src = readFileSync(join(repo, 'examples', `${name}.ts`), 'utf8').replaceAll("'@memmap/core'", "'memmap'");
    const js = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    writeFileSync(join(dir, `${name}.mjs`), js);
  }
}

function runExamples(dir, env) {
  writeExamples(dir);
  const first = run('node', ['read-first-bytes.mjs', 'example.dat'], { cwd: dir, env });
  assert(first.status === 0, `read-first-bytes: ${first.stderr}`);
  assert(first.stdout.includes('<Buffer 48 65 6c 6c 6f 2c 20 6d 65 6d>'), `read-first-bytes printed ${first.stdout}`);
  const writer = run('node', ['ipc-writer.mjs', 'shared.dat', 'IPC using mmap!'], { cwd: dir, env });
  assert(writer.status === 0, `ipc-writer: ${writer.stderr}`);
  const reader = run('node', ['ipc-reader.mjs', 'shared.dat'], { cwd: dir, env });
  assert(reader.status === 0, `ipc-reader: ${reader.stderr}`);
  assert(reader.stdout.trim() === 'IPC using mmap!', `ipc-reader printed ${JSON.stringify(reader.stdout)}`);
  assert(readFileSync(join(dir, 'shared.dat'), 'utf8') === 'IPC using mmap!', 'shared.dat content');
}

const started = Date.now();
try {
  ensureCompilers();
  log('building and packing every public package');
  const built = run('npm', ['run', 'build'], { cwd: repo });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stderr}`);
  const tarballs = packAll(join(work, 'tarballs'));
  check('0. every public package is publishable: only what it needs, metadata set, npm publish --dry-run', checkPublishable);
  const bare = bareBin();
  const env = { ...process.env, PATH: bare, npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? work, '.npm') };
  for (const k of ['npm_config_node_gyp', 'npm_lifecycle_event', 'npm_package_json', 'INIT_CWD']) delete env[k];

  check('1. npm install memmap without a toolchain: napi from its prebuild, examples run', () => {
    const dir = project('plain', tarballs, ['memmap']);
    const r = npmInstall(dir, env, [tarballs.memmap]);
    facts.push(`install without toolchain: ${r.seconds.toFixed(1)} s`);
    assert(!/native addon unavailable/.test(r.stderr + r.stdout), `install warned: ${r.stderr}`);
    assert(!/not yet covered by allowScripts/.test(r.stderr), `install scripts were skipped: ${r.stderr}`);
    assert(!existsSync(join(dir, 'node_modules/@memmap/backend-napi/build')), 'napi was built from source');
    const p = probe(dir, env);
    assert(p.chosen === 'napi', `chose ${p.chosen}: ${p.reason}`);
    assert(p.addon.includes(`prebuilds/${platformTuple}/`), `addon from ${p.addon}`);
    runExamples(dir, env);
    facts.push(`case 1 loaded ${p.addon.slice(p.addon.indexOf('prebuilds/'))}`);
    return `${p.addon.slice(p.addon.indexOf('prebuilds/'))}, ${r.seconds.toFixed(1)} s`;
  });

  check('2. npm install --ignore-scripts memmap: napi still loads from its prebuild', () => {
    const dir = project('noscripts', tarballs, ['memmap']);
    const r = npmInstall(dir, env, [tarballs.memmap], ['--ignore-scripts']);
    const p = probe(dir, env);
    assert(p.chosen === 'napi', `chose ${p.chosen}: ${p.reason}`);
    assert(p.addon.includes(`prebuilds/${platformTuple}/`), `addon from ${p.addon}`);
    runExamples(dir, env);
    facts.push(`case 2 loaded ${p.addon.slice(p.addon.indexOf('prebuilds/'))} (${r.seconds.toFixed(1)} s)`);
  });

  check(`3. no prebuild for ${platformTuple}, no toolchain: install succeeds, ffi chosen, info shows why`, () => {
    const stripped = { ...tarballs, '@memmap/backend-napi': alterPrebuild(tarballs['@memmap/backend-napi']) };
    const dir = project('noprebuild', stripped, ['memmap', '@memmap/conformance']);
    // npm shows a dependency's script output only with --foreground-scripts (or when it fails).
    const r = npmInstall(dir, env, [stripped.memmap, stripped['@memmap/conformance']], ['--foreground-scripts']);
    const warnings = (r.stderr + r.stdout).split('\n').filter((l) => l.includes('@memmap/backend-napi: native addon unavailable'));
    assert(warnings.length >= 1, `no install warning; stderr:\n${r.stderr}`);
    const p = probe(dir, env);
    assert(p.chosen === 'ffi', `chose ${p.chosen}: ${p.reason}`);
    assert(/napi addon cannot load here: No native build was found/.test(p.napiError ?? ''), `napi error: ${p.napiError}`);
    runExamples(dir, env);
    const info = run('npx', ['--no-install', 'memmap-conformance', 'info'], { cwd: dir, env });
    assert(info.status === 0, `memmap-conformance info: ${info.stderr}`);
    assert(/napi[^\n]*No native build was found/.test(info.stdout), `info does not show napi's reason:\n${info.stdout}`);
    assert(/ffi/.test(info.stdout), 'info does not list ffi');
    facts.push(`case 3 install warning: ${warnings[0].trim()}`);
    facts.push(`case 3 napi reason: ${p.napiError}`);
  });

  check('4. a third party checks its backend module with npx memmap-conformance check', () => {
    const dir = project('thirdparty', tarballs, ['@memmap/core', '@memmap/backend-fallback', '@memmap/conformance']);
    npmInstall(
      dir,
      env,
      [tarballs['@memmap/core'], tarballs['@memmap/backend-fallback'], tarballs['@memmap/conformance'], 'vitest@^4'],
      ['--save-dev'],
    );
    // Their module: a backend of their own, exported as default (core accepts `backend` or default).
    writeFileSync(
      join(dir, 'acme-backend.mjs'),
      [
        "import { backend as base } from '@memmap/backend-fallback';",
        '// A third party re-exporting a backend under its own module; core loads it by path.',
        'export default base;',
        '',
      ].join('\n'),
    );
    const r = run('npx', ['--no-install', 'memmap-conformance', 'check', './acme-backend.mjs'], { cwd: dir, env });
    assert(r.status === 0, `check failed (${r.status}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    assert(/\bPASS\b/.test(r.stdout), `no PASS in:\n${r.stdout.slice(-2000)}`);
    const failing = r.stdout.split('\n').filter((l) => /\sfail\s/.test(l));
    assert(failing.length === 0, `failing groups:\n${failing.join('\n')}`);
    return `${r.seconds.toFixed(0)} s`;
  });

  const foreign = platformTuple === 'linux-arm64' ? 'linux-x64' : 'linux-arm64';
  check(`5. a ${platformTuple} prebuild that cannot load here (a ${foreign} binary): install succeeds, reason recorded`, () => {
    const broken = { ...tarballs, '@memmap/backend-napi': alterPrebuild(tarballs['@memmap/backend-napi'], foreign) };
    const dir = project('badprebuild', broken, ['memmap']);
    const r = npmInstall(dir, env, [broken.memmap], ['--foreground-scripts']);
    assert(/native addon unavailable \(the prebuild .* does not load here/.test(r.stdout + r.stderr), `no install warning:\n${r.stderr}`);
    const p = probe(dir, env);
    assert(p.chosen === 'ffi', `chose ${p.chosen}: ${p.reason}`);
    // glibc's dlopen names a foreign-architecture file "cannot open shared object file".
    assert(
      p.napiError?.includes(`napi addon cannot load here: ${dir}/node_modules/@memmap/backend-napi/prebuilds/${platformTuple}/`),
      `napi error: ${p.napiError}`,
    );
    facts.push(`case 5 napi reason: ${p.napiError}`);
  });

  check(`6. no prebuild for ${platformTuple} but a toolchain: built from source at install, napi loads`, () => {
    const stripped = { ...tarballs, '@memmap/backend-napi': alterPrebuild(tarballs['@memmap/backend-napi']) };
    const dir = project('fromsource', stripped, ['memmap']);
    const r = npmInstall(dir, { ...env, PATH: process.env.PATH }, [stripped.memmap]);
    const p = probe(dir, env);
    assert(p.chosen === 'napi', `chose ${p.chosen}: ${p.reason}`);
    assert(p.addon.includes('build/Release/'), `addon from ${p.addon}`);
    runExamples(dir, env);
    facts.push(`install with toolchain, building from source: ${r.seconds.toFixed(1)} s`);
  });
} catch (error) {
  results.push({ name: 'setup', ok: false });
  log(`FAIL setup: ${error?.message ?? error}`);
} finally {
  for (const f of facts) log(`fact: ${f}`);
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
const ok = passed === results.length && results.length === 7;
console.log(
  `test:packaging: ${ok ? 'PASS' : 'FAIL'} (${passed}/${results.length} cases passed, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
process.exit(ok ? 0 : 1);
