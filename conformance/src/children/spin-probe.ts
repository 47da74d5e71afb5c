// Children of the "wait spins before it sleeps" test. The changer stores a new value into word 0
// `delayMs` after it sees word 1 (the waiter's go signal) change (so the waiter is inside wait() by
// then), and never calls notify(); so a wait()
// can only return 'ok' for it by spinning on the value before it sleeps in the kernel. `rounds`
// counts the timed rounds; both run 50 untimed ones first. Run as a script file:
//   spin-probe.js <module URL> <export name> changer <path> <rounds> <delayMs>
//   spin-probe.js <module URL> <export name> waiter <path> <rounds>
// The waiter prints one JSON line (its wait() results counted); both exit 0.
import type { Backend } from '@memmap/core';
import { report, startChild } from './start.js';

export function spinChanger(backend: Backend, path: string, rounds: number, delayMs: number): void {
  const m = backend.mapMut(path);
  const words = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 4);
  Atomics.store(words, 2, 1); // ready: the waiter starts its rounds only now
  const warm = 50; // untimed rounds first, as spinWaiter's
  for (let k = 1; k <= warm + rounds; k++) {
    while (Atomics.load(words, 1) !== k) {
      // busy: the change must follow the go signal within microseconds
    }
    const at = performance.now() + delayMs;
    while (performance.now() < at) {
      // the waiter has compared the value and is spinning by now
    }
    Atomics.store(words, 0, k);
  }
  m.close();
}

export function spinWaiter(backend: Backend, path: string, rounds: number): Record<string, number> {
  const m = backend.mapMut(path);
  const words = new Int32Array(m.bytes.buffer, m.bytes.byteOffset, 4);
  const counts: Record<string, number> = {};
  // The first calls of wait() are slow (the call path is not compiled yet): warm it up with waits
  // that return at once, so the timed rounds start with the full spin.
  for (let i = 0; i < 200; i++) m.wait(0, -1);
  // And one that reaches the kernel (timeout 0: no spin, so the spin's length is untouched): the
  // first sleep of a process sets up what it sleeps on (Windows: a named section and semaphore
  // through Wine's server, milliseconds), which must not fall inside a timed round: with the spin
  // off, a change that lands during that setup is seen by the kernel's compare ('ok').
  m.wait(12, 0, 0);
  while (Atomics.load(words, 2) !== 1) {
    // the changer is still starting: a wait now would only time out (and shorten the spin)
  }
  // Untimed rounds first, with no wait() (so the spin's length is untouched): both processes' loops
  // get compiled and both are running before the timed rounds. Compiler threads and a process still
  // starting otherwise take the CPU the peer needs on a small machine (Wine: 2 cores, wineserver),
  // three spins in a row miss and the spin is down to its 1 µs probe for every timed round.
  const warm = 50;
  for (let k = 1; k <= warm + rounds; k++) {
    Atomics.store(words, 1, k);
    if (k > warm) {
      const r = m.wait(0, k - 1, 50);
      counts[r] = (counts[r] ?? 0) + 1;
    }
    while (Atomics.load(words, 0) !== k) {
      // the changer's store for this round, before the next go signal
    }
  }
  m.close();
  return counts;
}

const { backend, args } = await startChild();
const [role, path, rounds, delayMs] = args as [string, string, string, string | undefined];
if (role === 'changer') spinChanger(backend, path, Number(rounds), Number(delayMs));
else report(spinWaiter(backend, path, Number(rounds)));
