// Maps of files that are not regular files (/dev/zero, /proc, FIFOs, directories, sockets): each
// call either works (an empty or readable map) or throws an MmapError with an OS code. Run in a
// child with a timeout, so a crash shows as a signal and a blocking open() as a hang.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import type { SpecialFileOutcome } from '../children/special-files.js';
import { childJson, isOsCode } from './robust-util.js';

/** Child (children/special-files.ts): tries every map function on `path`; setup 'socket' makes it listen there first. */
function check(ctx: SuiteContext, path: string, setup = ''): SpecialFileOutcome[] {
  const r = ctx.runChildScript('special-files', setup ? [path, setup] : [path], { timeoutMs: 15_000 });
  expect(r.signal, `child hung or crashed mapping ${path}: ${r.stderr}`).toBeNull();
  const results = childJson<SpecialFileOutcome[]>(r);
  for (const o of results) {
    if (o.ok) continue;
    // An explicit length/offset past a 0-byte special file may be refused as out of range.
    const allowed = (c: string | undefined) => isOsCode(c) || (c === 'ERR_MMAP_OUT_OF_RANGE' && /length|offset/.test(o.call));
    expect({ call: o.call, name: o.name, allowed: allowed(o.code) }, `${o.call}: ${o.name} [${o.code}] ${o.message}`).toEqual({
      call: o.call,
      name: 'MmapError',
      allowed: true,
    });
  }
  return results;
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function registerSpecialFiles(ctx: SuiteContext): void {
  it.skipIf(!existsSync('/dev/zero'))('maps of /dev/zero work or fail with an OS code', () => {
    check(ctx, '/dev/zero');
  });

  it.skipIf(!existsSync('/proc/self/status'))('maps of /proc/self/status work or fail with an OS code', () => {
    check(ctx, '/proc/self/status');
  });

  it.skipIf(process.platform === 'win32' || !hasCommand('mkfifo'))('maps of a FIFO neither block nor crash', () => {
    const path = join(ctx.tmpDir(), 'fifo');
    execFileSync('mkfifo', [path]);
    const results = check(ctx, path);
    // A FIFO has no pages: nothing may claim to have mapped bytes of it.
    for (const o of results) if (o.ok) expect(o.length, o.call).toBe(0);
  });

  it('maps of a directory fail with an OS code', () => {
    const results = check(ctx, ctx.tmpDir());
    for (const o of results) expect(o.ok, `${o.call} of a directory succeeded`).toBe(false);
  });

  it.skipIf(process.platform === 'win32')('maps of a unix socket fail with an OS code', () => {
    const results = check(ctx, join(ctx.tmpDir(), 'sock'), 'socket');
    for (const o of results) expect(o.ok, `${o.call} of a socket succeeded`).toBe(false);
  });
}
