// `npx memmap info`: what a user runs to see which backend their project gets, and why.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const cli = join(resolve(import.meta.dirname, '..'), 'dist', 'cli.js');
const info = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, 'info', ...args], { encoding: 'utf8', env: { ...process.env, MEMMAP_BACKEND: '', ...env } });

describe('memmap info', () => {
  it('lists every built-in backend with its capabilities and names the choice', () => {
    const r = info([]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^fallback\s+yes\s+no\s+no/m);
    expect(r.stdout).toMatch(/loadBackend\(\) picks: (napi|ffi|fallback) \(/);
  });

  it('--require asks loadBackend({ require }) of the real backends: napi or ffi share, the fallback cannot', () => {
    const shared = info(['--require', 'coherent,waitNotify']);
    expect(shared.status).toBe(0);
    expect(shared.stdout).toMatch(/loadBackend\(\{ require: \['coherent', 'waitNotify'\] \}\) picks: (napi|ffi)$/m);
    const refused = info(['--require=coherent'], { MEMMAP_BACKEND: 'fallback' });
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('(MEMMAP_BACKEND=fallback): fallback lacks coherent');
  });

  it('refuses unknown capabilities and arguments', () => {
    expect(info(['--require', 'telepathy']).stdout).toContain('unknown capability');
    expect(info(['--bogus']).status).toBe(2);
  });
});
