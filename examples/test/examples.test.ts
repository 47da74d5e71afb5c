// The README's examples, run as a user would: one process each, through tsx, on every backend.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = resolve(import.meta.dirname, '..');
const tsx = join(here, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** Loads a backend in a fresh process (a script file in children/), as a user's program would. */
const backendProbe = join(here, 'test', 'children', 'backend-probe.mjs');
// Every built-in backend must load: one that does not FAILS the run (a broken build must not pass
// as skips), unless MEMMAP_ABSENT_BACKENDS names it (comma-separated), the opt-out for a runtime or
// platform where that backend cannot exist (docs/conformance.md); its examples are then skipped.
const scratch = mkdtempSync(join(tmpdir(), 'memmap-ex-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const backends = ['napi', 'ffi', 'fallback'].map((name) => ({
  name,
  error: loadError(name),
  get loads() {
    return this.error === '';
  },
  waits: capability(name, 'waitNotify'),
  shares: capability(name, 'shareable'),
}));
/** tsx as a loader of this very process (no tsx parent process), so that a kill reaches the example itself. */
const tsxLoader = pathToFileURL(join(here, '..', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

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

/** A capability of a backend here (the ring needs waitNotify; parallel-sum needs shareable). */
function capability(name: string, flag: 'waitNotify' | 'shareable'): boolean {
  try {
    const out = execFileSync(process.execPath, [backendProbe, name], { cwd: here, encoding: 'utf8' });
    return (JSON.parse(out) as Record<string, unknown>)[flag] === true;
  } catch {
    return false;
  }
}

/** Why a backend does not load here ('' when it does): the first line of loadBackend()'s error. */
function loadError(name: string): string {
  const r = spawnSync(process.execPath, [backendProbe, name], { cwd: here, encoding: 'utf8' });
  return r.status === 0 ? '' : (r.stderr.split('\n').find((l) => /^\w*Error\b/.test(l)) ?? `exit status ${r.status}`).trim();
}

const absentBackends = new Set((process.env.MEMMAP_ABSENT_BACKENDS ?? '').split(',').map((s) => s.trim()));

it.each(backends.filter((b) => !absentBackends.has(b.name)))('the $name backend loads here', ({ error }) => {
  expect(error).toBe('');
});

describe.each(backends)('examples on $name', ({ name: backend, loads: available, waits: canWait, shares: canShare }) => {
  // 1000 messages of 12..61 bytes through a 256-byte ring: it fills (the producer waits), wraps
  // around many times (messages split across the end) and empties (the consumer waits). Through a
  // 128-byte ring the longest messages need more than the half ring at which the consumer wakes a
  // waiting producer, so the producer is woken, finds too little room and waits again.
  for (const ringSize of [256, 128]) {
    it.skipIf(!canWait)(
      `ring-producer and ring-consumer pass 1000 messages in order between two processes through ${ringSize} bytes${canWait ? '' : ' [skipped: waitNotify is false]'}`,
      async () => {
        const file = join(mkdtempSync(join(scratch, 'run-')), 'ring.dat');
        const consumer = start('ring-consumer.ts', [file, String(ringSize)], backend);
        const producer = start('ring-producer.ts', [file, '1000', String(ringSize)], backend);
        expect((await producer).trim()).toBe('sent 1000 messages');
        const expected = Array.from({ length: 1000 }, (_, k) => `message ${k + 1} ${'.'.repeat((k + 1) % 50)}`);
        expect((await consumer).split('\n')).toEqual([...expected, '']);
      },
    );
  }

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

  it.skipIf(!canShare)(
    `parallel-sum sums one map in 2 Worker threads through openShared() and agrees with one thread${canShare ? '' : ' [skipped: shareable is false]'}`,
    () => {
      const file = join(mkdtempSync(join(scratch, 'run-')), 'numbers.f64');
      const out = run('parallel-sum.ts', [file, '8', '2'], backend);
      expect(out).toContain('2 threads: sum 523641600');
      expect(out).toMatch(/speed-up \d+\.\d+x; sums agree/);
    },
  );

  it.skipIf(!available)('tensors writes a safetensors file and reads every tensor back in place', () => {
    const file = join(mkdtempSync(join(scratch, 'run-')), 'model.safetensors');
    expect(run('tensors.ts', ['demo', file], backend).trim().split('\n')).toEqual([
      'layer.weight: F32 [4, 3] = 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75',
      'layer.bias: F64 [3] = 0.5, -1, 2',
      'token.ids: I64 [5] = 1, 2, 3, -4, 1099511627776',
      'mask: U8 [2, 2] = 1, 0, 0, 1',
    ]);
    const header = readFileSync(file).readBigUInt64LE(0);
    expect(Number(header + 8n) % 8, 'the data starts 8-aligned').toBe(0);
  });

  it.skipIf(!available)('tensors refuses a malformed file with a clear error (exit status 1)', () => {
    const dir = mkdtempSync(join(scratch, 'run-'));
    const file = (header: string | Buffer, data = Buffer.alloc(0), length?: bigint): string => {
      const json = Buffer.from(header);
      const head = Buffer.alloc(8);
      head.writeBigUInt64LE(length ?? BigInt(json.length));
      const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.safetensors`);
      writeFileSync(path, Buffer.concat([head, json, data]));
      return path;
    };
    const cases: Record<string, [string, string]> = {
      'too short': [writeShort(dir), 'fewer than the 8-byte header length'],
      'header past the end': [file('{}', Buffer.alloc(0), 1000n), 'runs past the end of the file'],
      'not JSON': [file('{"a": '), 'the header is not JSON'],
      'not an object': [file('[1,2]   '), 'not a JSON object'],
      'unknown dtype': [file('{"t":{"dtype":"Q9","shape":[1],"data_offsets":[0,1]}}', Buffer.alloc(8)), 'dtype "Q9"'],
      'bad shape': [file('{"t":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}', Buffer.alloc(8)), 'bad shape'],
      'data past the end': [file('{"t":{"dtype":"U8","shape":[64],"data_offsets":[0,64]}}', Buffer.alloc(8)), 'outside the'],
      'size mismatch': [file('{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', Buffer.alloc(8)), 'needs 12'],
      overlap: [
        file('{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}', Buffer.alloc(8)),
        'overlap',
      ],
      misaligned: [file('{"t":{"dtype":"U32","shape":[1],"data_offsets":[1,5]}}', Buffer.alloc(8)), 'aligned'],
    };
    for (const [name, [path, message]] of Object.entries(cases)) {
      const r = spawnSync(process.execPath, ['--import', tsxLoader, join(here, 'tensors.ts'), 'read', path], {
        encoding: 'utf8',
        env: { ...process.env, MEMMAP_BACKEND: backend },
      });
      expect(r.status, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr, name).toContain('not a valid safetensors file');
      expect(r.stderr, name).toContain(message);
    }
  });

  it.skipIf(!canWait)(
    `log: a writer growing the file with resize() and a reader following it with wait(), both killed (SIGKILL) mid-way and restarted, lose no record${canWait ? '' : ' [skipped: waitNotify is false]'}`,
    async () => {
      const file = join(mkdtempSync(join(scratch, 'run-')), 'app.log');
      const total = 400;
      const example = (args: string[]) =>
        spawn(process.execPath, ['--import', tsxLoader, join(here, 'log.ts'), ...args], {
          env: { ...process.env, MEMMAP_BACKEND: backend },
        });
      const collect = (child: ReturnType<typeof example>) => {
        const state = { child, out: '', err: '', done: new Promise<number | null>((r) => child.once('exit', (code) => r(code))) };
        child.stdout.on('data', (d: Buffer) => (state.out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (state.err += d.toString()));
        return state;
      };
      // Round 1: a slow writer and its reader, both killed once the reader has printed some records.
      const reader1 = collect(example(['follow', file, String(total)]));
      const writer1 = collect(example(['write', file, String(total), '5']));
      for (let i = 0; i < 1000 && reader1.out.split('\n').length < 40; i++) await new Promise((r) => setTimeout(r, 10));
      expect(reader1.out.split('\n').length, `the reader follows the writer: ${reader1.err}${writer1.err}`).toBeGreaterThanOrEqual(40);
      for (const state of [writer1, reader1]) state.child.kill('SIGKILL');
      await Promise.all([writer1.done, reader1.done]);
      expect(writer1.out, 'the writer was killed before it finished').not.toContain('log holds');
      // Round 2: restarted, they finish.
      const reader2 = collect(example(['follow', file, String(total)]));
      const writer2 = collect(example(['write', file, String(total)]));
      expect(await writer2.done, writer2.err).toBe(0);
      expect(await reader2.done, reader2.err).toBe(0);
      expect(writer2.out).toContain(`log holds ${total} records`);
      const lines = (reader1.out + reader2.out).split('\n').filter(Boolean);
      // Every record once, in order; the one the reader printed just before it was killed may come again.
      const unique = lines.filter((line, i) => line !== lines[i - 1]);
      expect(unique).toEqual(Array.from({ length: total }, (_, i) => `record ${i} ${'x'.repeat(i % 40)}`));
      expect(lines.length - unique.length).toBeLessThanOrEqual(1);
    },
    120_000,
  );
});

function writeShort(dir: string): string {
  const path = join(dir, 'short.safetensors');
  writeFileSync(path, Buffer.from([1, 2, 3]));
  return path;
}
