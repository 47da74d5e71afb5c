#!/usr/bin/env node
// Packaging test: what a user gets from npm, without the workspace. Packs every public package
// (the napi tarball carries its prebuilds), then in fresh projects outside the repo:
//   1. `npm install memmap` from the tarballs with a PATH holding only node and npm (no python3,
//      make or g++): install succeeds, napi loads from its prebuild, the examples run with plain node;
//   2. the same with --ignore-scripts: napi still loads from its prebuild;
//   3. the same with the prebuild for this platform removed: install succeeds with one warning,
//      ffi is chosen, and `npx memmap-conformance info` shows why napi did not load;
//   4. a third party checks its own backend module with `npx memmap-conformance check`;
//   7. the packed .d.ts under TypeScript 5.x and 7.x with the README's setup: a correct program
//      passes, wrong calls fail.
// Cases 1 and 3 also ask loadBackend({ require }) of the real backends, and case 3 runs `npx memmap info`.
// Prints one summary line; exit status 1 if any case failed.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
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
  // Copied into the consumer project, so `memmap` resolves from there as a user's program would.
  copyFileSync(join(repo, 'scripts', 'children', 'consumer-probe.mjs'), join(dir, 'memmap-probe.mjs'));
  const r = run('node', ['memmap-probe.mjs'], { cwd: dir, env });
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

/** The tsconfig.json the README tells TypeScript users to write (its first json block with compilerOptions). */
function readmeTsconfig() {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/^```json\n([\s\S]*?)^```/gm)].map((m) => m[1]).find((b) => b.includes('compilerOptions'));
  assert(block, 'README.md has no ```json tsconfig block');
  return JSON.parse(block);
}

// A consumer's program: everything a user writes in the README's sections, typed.
const goodProgram = `import { type CapabilityName, type Mmap, MmapError, loadBackend, map, mapMut, ownerOf } from 'memmap';
const wanted: CapabilityName[] = ['coherent', 'waitNotify'];
const backend = loadBackend({ require: wanted });
function firstWord(file: string): number {
  using m: Mmap = map(file, { offset: 0n });
  return m.bytes.readUInt32LE(0);
}
const w = mapMut('shared.dat', { create: true, length: 16, allocate: false });
try {
  const words = new Int32Array(w.bytes.buffer, w.bytes.byteOffset, w.length / 4);
  Atomics.add(words, 0, 1);
  const result: 'ok' | 'not-equal' | 'timed-out' = w.wait(0, 5, 0);
  void w.waitAsync(0, 5, 10).then((r) => r === 'ok');
  w.notify(0);
  console.log(result, ownerOf(w.bytes) === w, backend.capabilities.named, firstWord('shared.dat'));
} catch (error) {
  if (error instanceof MmapError) console.log(error.code, error.syscall);
} finally {
  w.close();
}
`;

// Wrong calls, one file each, with the TypeScript error each must give.
const wrongPrograms = {
  'bigint-source.ts': ["import { map } from 'memmap';\nmap(42n);\n", 'TS2345'],
  'assign-bytes.ts': ["import { map } from 'memmap';\nconst m = map('x');\nm.bytes = Buffer.alloc(1);\n", 'TS2540'],
  'unknown-capability.ts': ["import { loadBackend } from 'memmap';\nloadBackend({ require: ['telepathy'] });\n", 'TS2322'],
  'write-read-only.ts': ["import { map } from 'memmap';\nmap('x').flush();\n", 'TS2339'],
};

function typeCheckConsumer(dir, env) {
  const config = readmeTsconfig();
  writeFileSync(join(dir, 'good.ts'), goodProgram);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ ...config, compilerOptions: { ...config.compilerOptions, noEmit: true }, files: ['good.ts'] }),
  );
  for (const [file, [code]] of Object.entries(wrongPrograms)) {
    writeFileSync(join(dir, file), code);
    writeFileSync(join(dir, `tsconfig.${file}.json`), JSON.stringify({ extends: './tsconfig.json', files: [file] }));
  }
  const notes = [];
  for (const ts of ['typescript-5', 'typescript-7']) {
    const tsc = join(dir, 'node_modules', ts, 'bin', 'tsc');
    const version = run('node', [tsc, '-v'], { cwd: dir, env }).stdout.trim();
    const good = run('node', [tsc, '-p', 'tsconfig.json'], { cwd: dir, env });
    assert(good.status === 0, `${version}: the correct program fails to type-check:\n${good.stdout}${good.stderr}`);
    for (const [file, [, expected]] of Object.entries(wrongPrograms)) {
      const bad = run('node', [tsc, '-p', `tsconfig.${file}.json`], { cwd: dir, env });
      assert(bad.status !== 0, `${version}: ${file} type-checks, but it is a wrong call`);
      assert(
        bad.stdout.includes(`${file}(`) && bad.stdout.includes(expected),
        `${version}: ${file} should fail with ${expected}:\n${bad.stdout}`,
      );
      const stray = bad.stdout.split('\n').filter((l) => /error TS/.test(l) && !l.startsWith(file));
      assert(stray.length === 0, `${version}: errors outside ${file}:\n${stray.join('\n')}`);
    }
    notes.push(version);
  }
  // What the README says happens without its setup: TypeScript 7 stops at memmap's declarations.
  writeFileSync(
    join(dir, 'tsconfig.bare.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext' }, files: ['good.ts'] }),
  );
  const bare = run('node', [join(dir, 'node_modules', 'typescript-7', 'bin', 'tsc'), '-p', 'tsconfig.bare.json'], { cwd: dir, env });
  assert(
    bare.status !== 0 && /Cannot find name 'Buffer'/.test(bare.stdout) && /'Disposable'/.test(bare.stdout),
    `TypeScript 7 without the README setup:\n${bare.stdout.slice(0, 2000)}`,
  );
  facts.push(`case 7 type-checked with ${notes.join(' and ')}`);
  return notes.join(', ');
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
    assert(p.sharing === 'napi', `loadBackend({ require: ['coherent', 'waitNotify'] }) gave ${p.sharing}`);
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
    assert(p.sharing === 'ffi', `loadBackend({ require: ['coherent', 'waitNotify'] }) gave ${p.sharing}`);
    // ffi is not truncation-safe and the fallback not zero-copy: nothing has all four, and each says why.
    assert(
      /^ERR_MMAP_UNSUPPORTED: .*napi did not load \(.*No native build was found.*ffi lacks truncationSafe.*fallback lacks coherent, zeroCopy/.test(
        p.all,
      ),
      `require all: ${p.all}`,
    );
    runExamples(dir, env);
    const mine = run('npx', ['--no-install', 'memmap', 'info'], { cwd: dir, env });
    assert(mine.status === 0, `npx memmap info: ${mine.stderr}`);
    assert(/napi does not load: .*No native build was found/.test(mine.stdout), `memmap info does not show napi's reason:\n${mine.stdout}`);
    assert(/loadBackend\(\) picks: ffi/.test(mine.stdout), `memmap info does not name ffi:\n${mine.stdout}`);
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

  check('7. the packed types under TypeScript 5.x and 7.x with the README setup: correct code passes, wrong calls fail', () => {
    const dir = project('types', tarballs, ['memmap']);
    npmInstall(
      dir,
      env,
      [tarballs.memmap, '@types/node@^20.19', 'typescript-5@npm:typescript@^5', 'typescript-7@npm:typescript@^7'],
      ['--save-dev', '--ignore-scripts'],
    );
    return typeCheckConsumer(dir, env);
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
const ok = passed === results.length && results.length === 8;
console.log(
  `test:packaging: ${ok ? 'PASS' : 'FAIL'} (${passed}/${results.length} cases passed, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
process.exit(ok ? 0 : 1);
