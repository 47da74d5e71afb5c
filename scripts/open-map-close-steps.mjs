#!/usr/bin/env node
// Where the time of open + map + read + close goes, step by step, for one 4 KiB file in the page
// cache (napi backend). Means per op over the whole run (GC included), each step timed in its own
// loop after a warm-up. Usage: node scripts/open-map-close-steps.mjs [repo root] [ops]
// (a second checkout's root measures another version of memmap on the same machine, same run).
// Ends with the C floor of the same steps (children/open-map-close-steps.c, compiled with cc -O2).
// Run it on a quiet machine: the figures are for docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
const ops = Number(process.argv[3] ?? 200_000);
const url = (p) => pathToFileURL(join(root, p)).href;
const { addon } = await import(url('packages/backend-napi/dist/addon.js'));
const { backend } = await import(url('packages/backend-napi/dist/index.js'));

const path = join(tmpdir(), `memmap-steps-${process.pid}.bin`);
fs.writeFileSync(path, Buffer.alloc(4096, 7));
const READ = addon.constants.mapKinds.read;
const fd = fs.openSync(path, 'r');

// Every byte a step reads is returned, summed and printed: a byte read whose value went unused
// could be dropped by the JIT, and with it the page fault the read costs.
let sink = 0;
function mean(fn) {
  for (let i = 0; i < Math.min(ops, 20_000); i++) sink = (sink + (fn() | 0)) | 0;
  const t = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) sink = (sink + (fn() | 0)) | 0;
  return Number(process.hrtime.bigint() - t) / ops;
}

const registry = new FinalizationRegistry(() => {});
const rows = [
  ['fs.readFileSync (the baseline)', () => fs.readFileSync(path)[3]],
  ['open + close (fs.openSync, fs.closeSync)', () => fs.closeSync(fs.openSync(path, 'r'))],
  ['fstat (native, no Stats object)', () => addon.fdStat(fd)],
  ['mmap + munmap (native, nothing touched)', () => addon.close(addon.mapFile(READ, fd, 0, 4096, false), undefined)],
  [
    'mmap + Buffer + read a byte + detach + munmap (native)',
    () => {
      const h = addon.mapFile(READ, fd, 0, 4096, false);
      const w = addon.buffer(h);
      const v = w[3];
      addon.close(h, w);
      return v;
    },
  ],
  [
    'FinalizationRegistry register + unregister',
    () => {
      const o = {};
      registry.register(o, 0, o);
      registry.unregister(o);
    },
  ],
  ['map(fd) + close() (core, no bytes)', () => backend.map(fd).close()],
  ['map(path) + close() (core, no bytes)', () => backend.map(path).close()],
  [
    'map(path) + bytes[3] + close() (core: the whole operation)',
    () => {
      const m = backend.map(path);
      const v = m.bytes[3];
      m.close();
      return v;
    },
  ],
];
if (addon.mapPath) {
  const out = new Float64Array(2);
  rows.splice(4, 0, [
    'open + fstat + mmap + close, one native call (mapPath) + munmap',
    () => addon.close(addon.mapPath(path, READ, 0, -1, false, out), undefined),
  ]);
}
console.log(`| step (${root}) | mean per op |`);
console.log('| --- | --: |');
for (const [name, fn] of rows) console.log(`| ${name} | ${(mean(fn) / 1000).toFixed(2)} µs |`);
console.log(`(checksum ${sink >>> 0})`);
// The C floor of the same steps (children/open-map-close-steps.c), where a C compiler exists.
const source = fileURLToPath(new URL('children/open-map-close-steps.c', import.meta.url));
const binary = join(tmpdir(), `memmap-steps-${process.pid}`);
const compiled = spawnSync(process.env.CC || 'cc', ['-O2', '-o', binary, source], { encoding: 'utf8' });
if (compiled.status === 0) {
  process.stdout.write(spawnSync(binary, [path, String(ops)], { encoding: 'utf8' }).stdout);
  fs.rmSync(binary, { force: true });
} else {
  console.log(`(no C rows: ${compiled.error?.message ?? compiled.stderr.trim().split('\n').pop()})`);
}
fs.closeSync(fd);
fs.rmSync(path, { force: true });
