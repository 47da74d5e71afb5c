// The README's examples, run as a user would: one process each, through tsx, on every backend.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const here = resolve(import.meta.dirname, '..');
const tsx = join(here, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
// A backend that cannot load here shows as skipped; the pure-fs fallback must always load.
const scratch = mkdtempSync(join(tmpdir(), 'memmap-ex-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const backends = ['napi', 'ffi', 'fallback'].map((name) => ({ name, loads: loads(name), waits: waits(name) }));

function run(script: string, args: string[], backend: string): string {
  return execFileSync(process.execPath, [tsx, join(here, script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, MEMMAP_BACKEND: backend },
  });
}

/** As run(), without blocking: for two example processes that talk to each other. */
function start(script: string, args: string[], backend: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [tsx, join(here, script), ...args],
      { encoding: 'utf8', env: { ...process.env, MEMMAP_BACKEND: backend } },
      (error, stdout, stderr) => (error ? reject(new Error(`${script} failed: ${error.message}\n${stderr}`)) : resolvePromise(stdout)),
    );
  });
}

/** Whether a backend can wait/notify here (the ring needs it; the pure-fs fallback cannot share memory). */
function waits(name: string): boolean {
  try {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import('@memmap/core').then(c => console.log(c.loadBackend(${JSON.stringify(name)}).capabilities.waitNotify))`,
      ],
      { cwd: here, encoding: 'utf8' },
    );
    return out.trim() === 'true';
  } catch {
    return false;
  }
}

function loads(name: string): boolean {
  try {
    execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `import('@memmap/core').then(c => c.loadBackend(${JSON.stringify(name)}))`],
      { cwd: here, stdio: 'ignore' },
    );
    return true;
  } catch {
    return false;
  }
}

it('the fallback backend loads everywhere', () => {
  expect(backends.find((b) => b.name === 'fallback')?.loads).toBe(true);
});

describe.each(backends)('examples on $name', ({ name: backend, loads: available, waits: canWait }) => {
  // 1000 messages of 12..61 bytes through a 256-byte ring: it fills (the producer waits), wraps
  // around many times (messages split across the end) and empties (the consumer waits).
  it.skipIf(!canWait)(
    `ring-producer and ring-consumer pass 1000 messages in order between two processes${canWait ? '' : ' [skipped: waitNotify is false]'}`,
    async () => {
      const file = join(mkdtempSync(join(scratch, 'run-')), 'ring.dat');
      const consumer = start('ring-consumer.ts', [file, '256'], backend);
      const producer = start('ring-producer.ts', [file, '1000', '256'], backend);
      expect((await producer).trim()).toBe('sent 1000 messages');
      const expected = Array.from({ length: 1000 }, (_, k) => `message ${k + 1} ${'.'.repeat((k + 1) % 50)}`);
      expect((await consumer).split('\n')).toEqual([...expected, '']);
    },
  );

  it.skipIf(!available)('read-first-bytes prints the first 10 bytes', () => {
    const file = join(mkdtempSync(join(scratch, 'run-')), 'example.dat');
    writeFileSync(file, 'abcdefghijKLMNOP');
    expect(run('read-first-bytes.ts', [file], backend).trim()).toBe('<Buffer 61 62 63 64 65 66 67 68 69 6a>');
  });

  it.skipIf(!available)('ipc-writer and ipc-reader share a file between two processes', () => {
    const file = join(mkdtempSync(join(scratch, 'run-')), 'shared.dat');
    expect(run('ipc-writer.ts', [file], backend)).toContain('wrote 15 bytes');
    expect(readFileSync(file, 'utf8')).toBe('IPC using mmap!');
    expect(run('ipc-reader.ts', [file], backend).trim()).toBe('IPC using mmap!');
  });
});
