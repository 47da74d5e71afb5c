// The memmap-conformance CLI as a user runs it: a separate process, judged by output and exit code.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });

describe('memmap-conformance', () => {
  it('info lists the built-in backends, their capabilities and the default choice', () => {
    const r = run('info');
    expect(r.status).toBe(0);
    for (const name of ['napi', 'ffi', 'fallback']) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/zeroCopy\s+coherent\s+detachOnClose\s+truncationSafe\s+lock\s+hugePages/);
    expect(r.stdout).toMatch(/loadBackend\(\) picks: \w+/);
    expect(r.stdout).toContain(`Runtime: node ${process.versions.node} on ${process.platform}-${process.arch}`);
    expect(r.stdout).toContain(`under node ${process.versions.node}`);
  });

  it('check passes a conforming backend group and prints the matrix', () => {
    const r = run('check', '@memmap/backend-fallback', '--group', 'manifest');
    expect(r.stdout).toMatch(/manifest\s+pass/);
    expect(r.stdout).toContain('PASS');
    expect(r.status).toBe(0);
  });

  it('check fails (exit 1) a backend that claims a capability it lacks', () => {
    const r = run('check', join(root, 'test', 'fixtures', 'lying-backend.js'), '--group', 'manifest');
    expect(r.stdout).toMatch(/manifest\s+FAIL/);
    expect(r.stdout).toContain('FAIL');
    expect(r.status).toBe(1);
  });

  it('refuses a bad --runs with exit 2 before running anything', () => {
    const r = run('check', '@memmap/backend-fallback', '--runs', 'lots');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--runs takes a positive whole number');
  });

  it('refuses an unknown option with usage and exit 2 before running anything', () => {
    const r = run('check', '@memmap/backend-fallback', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('usage: memmap-conformance');
  });

  it('refuses an unknown command with usage and exit 2', () => {
    const r = run('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: memmap-conformance');
  });
});
