// Shared maps not closed by the time the process exits still write their changes back.
import type { CopiedRegion } from './copied-region.js';

const live = new Set<CopiedRegion>();
let hooked = false;

export function trackForExit(region: CopiedRegion): void {
  live.add(region);
  if (!hooked) {
    hooked = true;
    process.on('exit', writeBackAll);
  }
}

export function untrackForExit(region: CopiedRegion): void {
  live.delete(region);
}

function writeBackAll(): void {
  for (const region of live) {
    try {
      region.writeBackForExit();
    } catch {
      // the fd may already be gone; other maps still get their turn
    }
  }
  live.clear();
}
