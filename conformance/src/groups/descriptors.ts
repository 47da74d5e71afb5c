// Group "descriptors": read and copy maps hold no file descriptor once made, so a process with
// RLIMIT_NOFILE lowered to 256 (prlimit) holds 20,000 read maps of one file and 5,000 of different
// files at once; shared maps keep at most one each (needs Linux /proc and prlimit(1): skips
// elsewhere). Every descriptor a map owns is closed by whoever opened it, so a Worker's runtime
// never warns about a close its node:fs did not expect.
import { spawnSync } from 'node:child_process';
import type { DescriptorCounts, DescriptorFigures } from '../children/descriptor-probe.js';
import type { WorkerDescriptorsReport } from '../children/worker-descriptors.js';
import type { SuiteContext } from '../context.js';
import { expect, it } from '../harness/index.js';
import type { Group } from './index.js';
import { childJson, hasProcFs } from './robust-util.js';

const NOFILE = 256;
const COUNTS: DescriptorCounts = { sameFile: 20_000, differentFiles: 5_000, copies: 2_000, fromFd: 2_000, shared: 100 };

const hasPrlimit = hasProcFs && spawnSync('prlimit', ['--version'], { stdio: 'ignore' }).status === 0;

function register(ctx: SuiteContext): void {
  it.skipIf(!hasPrlimit)(
    `with RLIMIT_NOFILE ${NOFILE}: ${COUNTS.sameFile} read maps of one file, ${COUNTS.differentFiles} of different files, copies and maps of a caller's fd live at once; shared maps keep at most one fd`,
    () => {
      const dir = ctx.tmpDir();
      const f = childJson<DescriptorFigures>(
        ctx.runChildScript('descriptor-probe', [dir, JSON.stringify(COUNTS)], {
          timeoutMs: 240_000,
          launcher: ['prlimit', `--nofile=${NOFILE}:${NOFILE}`],
        }),
      );
      const summary = JSON.stringify(f);
      expect(f.limit, `the child did not run with the lowered limit: ${summary}`).toBe(NOFILE);
      expect(f.fdsWhileHeld - f.baseline, `live read/copy maps hold descriptors: ${summary}`).toBe(0);
      expect(f.fdsPerShared, `shared maps keep more than one fd each: ${summary}`).toBeLessThanOrEqual(1);
      expect(f.after, `fds left after closing everything: ${summary}`).toBe(f.baseline);
    },
  );

  it("a Worker that maps and closes a path, a caller's fd, an openShared() file map and named memory leaves no runtime warning (each descriptor is closed by whoever opened it)", () => {
    const child = ctx.runChildScript('worker-descriptors', [ctx.tmpDir()], { timeoutMs: 60_000 });
    const r = childJson<WorkerDescriptorsReport>(child);
    expect(r.ran).toContain('path');
    expect(r.warnings).toEqual([]);
    expect(child.stderr).not.toMatch(/closed but not opened/);
  });
}

export const descriptorsGroup: Group = { name: 'descriptors', register };
