// The short spin a wait() makes before it sleeps in the kernel: a reply that comes within
// microseconds (a ping-pong over shared memory) then costs no sleep and no wake-up. Same policy
// as the napi addon (src/native/waiters.cc): MEMMAP_WAIT_SPIN_US (0 to 1000; 0 turns it off) bounds
// it, by default 20 µs where a spinning thread leaves a core for its peer (2 or more logical CPUs;
// on an idle virtual machine a sleeping waiter's halted vCPU takes tens of µs to wake) and 0 on
// one, and it adapts per thread: a spin that saw the change doubles the next one, one
// that did not quarters it (down to a 1 µs probe), and a sleep that a wake-up ended sooner than the
// longest spin raises it to twice that sleep (the spin would have caught it). So a thread whose peer
// replies within microseconds spins, and one whose peer is not running at the same time (a loaded
// machine) stops burning the CPU that peer needs.

import { availableParallelism } from 'node:os';

const PROBE_MS = 0.001;

/** The longest spin, ms, from MEMMAP_WAIT_SPIN_US (read once). */
const maxMs = ((): number => {
  const fallback = availableParallelism() >= 2 ? 0.02 : 0;
  const text = process.env.MEMMAP_WAIT_SPIN_US;
  if (text === undefined || text === '') return fallback;
  const us = Number(text);
  return Number.isFinite(us) && us >= 0 ? Math.min(us, 1000) / 1000 : fallback;
})();

/** The next spin's length, ms (module state: one per thread). */
let budgetMs = maxMs;

/** Spins while word[0] === expected, for at most the current budget and `timeoutMs`; true when it changed. */
export function spinUntilChanged(word: Int32Array, expected: number, timeoutMs: number): boolean {
  if (maxMs === 0) return false;
  const end = performance.now() + Math.min(timeoutMs, Math.max(budgetMs, PROBE_MS));
  for (let i = 0; ; i++) {
    if (Atomics.load(word, 0) !== expected) {
      budgetMs = Math.min(maxMs, budgetMs * 2 + PROBE_MS);
      return true;
    }
    // performance.now() costs tens of ns: read it every 16 rounds.
    if ((i & 15) === 15 && performance.now() >= end) break;
  }
  budgetMs /= 4;
  return false;
}

/** After a failed spin, the wait slept `sleptMs` before a wake-up: a short sleep means spin longer. */
export function sleptAfterSpin(sleptMs: number): void {
  if (sleptMs < maxMs) budgetMs = Math.max(budgetMs, Math.min(maxMs, 2 * sleptMs));
}

/** Whether wait() spins at all (MEMMAP_WAIT_SPIN_US is not 0). */
export const spinning = maxMs > 0;
