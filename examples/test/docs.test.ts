// The README code blocks as a package test: scripts/test-docs.mjs on the Node running the tests
// (CI's `npm run test:docs` runs them on Node 20, 22, 24 and 26).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..', '..');

it('every README code block runs, type-checks or names a command that exists', { timeout: 300_000 }, () => {
  const r = spawnSync(process.execPath, [join(repo, 'scripts', 'test-docs.mjs'), '--nodes', 'current'], { encoding: 'utf8' });
  expect(r.stdout, r.stdout + r.stderr).toContain('test:docs: PASS');
  expect(r.status).toBe(0);
});
