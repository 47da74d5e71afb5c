// The built-in runner and expect that run the conformance groups without vitest (Bun, Deno, Wine):
// each matcher must pass what vitest passes and fail what vitest fails.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expect as builtin } from '../dist/harness/expect.js';
import { addSuite, addTest, runCollected } from '../dist/harness/runner.js';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'run', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });

/** Both ways: `pass` must not throw, `fail` must throw an AssertionError. */
function both(pass: () => unknown, fail: () => unknown): void {
  expect(pass).not.toThrow();
  expect(fail).toThrow();
}

describe('built-in expect', () => {
  it('toBe uses Object.is; toEqual compares deeply, ignores undefined properties, Buffers by bytes', () => {
    both(
      () => builtin(NaN).toBe(NaN),
      () => builtin(0).toBe(-0),
    );
    both(
      () => builtin({ a: 1, b: undefined, c: [1, { d: 2 }] }).toEqual({ a: 1, c: [1, { d: 2 }] }),
      () => builtin({ a: 1 }).toEqual({ a: 2 }),
    );
    both(
      () => builtin(Buffer.from('abc')).toEqual(Buffer.from('abc')),
      () => builtin(Buffer.from('abc')).toEqual(Buffer.from('abd')),
    );
    both(
      () => builtin([1, 2]).toEqual([1, 2]),
      () => builtin([1, 2]).toEqual([1, 2, 3]),
    );
    both(
      () => builtin(new Uint8Array(2)).toEqual(new Uint8Array(2)),
      () => builtin(new Uint8Array(2)).toEqual([0, 0]),
    );
    both(
      () => builtin({ code: 'E' }).toEqual({ code: builtin.any(String) }),
      () => builtin({ code: 1 }).toEqual({ code: builtin.any(String) }),
    );
  });

  it('comparisons, containment, type and shape matchers', () => {
    both(
      () => builtin(1).toBeLessThan(2),
      () => builtin(2).toBeLessThan(2),
    );
    both(
      () => builtin(2).toBeLessThanOrEqual(2),
      () => builtin(3).toBeLessThanOrEqual(2),
    );
    both(
      () => builtin(3).toBeGreaterThan(2),
      () => builtin(2).toBeGreaterThan(2),
    );
    both(
      () => builtin(2).toBeGreaterThanOrEqual(2),
      () => builtin(1).toBeGreaterThanOrEqual(2),
    );
    both(
      () => builtin(['a', 'b']).toContain('b'),
      () => builtin(['a']).toContain('b'),
    );
    both(
      () => builtin('hello').toContain('ell'),
      () => builtin('hello').toContain('z'),
    );
    both(
      () => builtin(new TypeError('x')).toBeInstanceOf(Error),
      () => builtin({}).toBeInstanceOf(Error),
    );
    both(
      () => builtin('abc').toMatch(/b/),
      () => builtin('abc').toMatch(/z/),
    );
    both(
      () => builtin([1, 2]).toHaveLength(2),
      () => builtin([1]).toHaveLength(2),
    );
    both(
      () => builtin(undefined).toBeUndefined(),
      () => builtin(null).toBeUndefined(),
    );
    both(
      () => builtin(null).toBeNull(),
      () => builtin(undefined).toBeNull(),
    );
    both(
      () => builtin(1).not.toBe(2),
      () => builtin(1).not.toBe(1),
    );
  });

  it('toThrow, .not.toThrow, .rejects and .resolves', async () => {
    both(
      () =>
        builtin(() => {
          throw new Error('boom');
        }).toThrow('boom'),
      () => builtin(() => 1).toThrow(),
    );
    both(
      () => builtin(() => 1).not.toThrow(),
      () =>
        builtin(() => {
          throw new Error('x');
        }).not.toThrow(),
    );
    await builtin(Promise.reject(new Error('no'))).rejects.toThrow('no');
    await builtin(Promise.resolve(5)).resolves.toBe(5);
    await expect(builtin(Promise.resolve(5)).rejects.toThrow()).rejects.toThrow('expected the promise to reject');
    await expect(builtin(Promise.reject(new Error('x'))).resolves.toBe(1)).rejects.toThrow('expected the promise to resolve');
  });

  it('a failure message starts with the caller message', () => {
    expect(() => builtin(1, 'child stderr: boom').toBe(2)).toThrow(/^child stderr: boom: expected 1 to be 2/);
  });
});

describe('built-in runner', () => {
  it('runs tests in order, honours skips and timeouts, and reports failures', async () => {
    const order: string[] = [];
    addSuite('g', () => {
      addTest('passes', () => void order.push('passes'));
      addTest('fails', () => builtin(1).toBe(2));
      addTest('skipped', () => void order.push('skipped'), undefined, true);
      addTest('hangs', () => new Promise(() => {}), 50);
    });
    const outcomes = await runCollected({ timeout: 1000 });
    expect(outcomes.map((o) => [o.path.join(' > '), o.state])).toEqual([
      ['g > passes', 'passed'],
      ['g > fails', 'failed'],
      ['g > skipped', 'skipped'],
      ['g > hangs', 'failed'],
    ]);
    expect(String(outcomes[3]?.error)).toContain('timed out after 50 ms');
    expect(order).toEqual(['passes']);
  });
});

describe('memmap-conformance run (no vitest)', () => {
  it('passes a conforming backend group, prints the counts and one summary line, exits 0', () => {
    const r = run('@memmap/backend-fallback', '--group', 'manifest');
    expect(r.stdout).toMatch(/manifest\s+pass\s+\d+\s+0\s+\d+/);
    expect(r.stdout).toMatch(/conformance on node \S+ \(\S+\): PASS \(passed\/failed\/skipped: fallback pass \d+\/0\/\d+\)/);
    expect(r.status).toBe(0);
  });

  it('fails (exit 1) a backend that claims a capability it lacks', () => {
    const r = run(join(root, 'test', 'fixtures', 'lying-backend.js'), '--group', 'manifest');
    expect(r.stdout).toMatch(/manifest\s+FAIL/);
    expect(r.stdout).toContain(': FAIL (');
    expect(r.status).toBe(1);
  });

  it('refuses an unknown group and a bad --timeout', () => {
    expect(run('@memmap/backend-fallback', '--group', 'nope').status).toBe(1);
    const r = run('@memmap/backend-fallback', '--timeout', 'soon');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--timeout takes a positive whole number');
  });
});
