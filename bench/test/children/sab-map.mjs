// The part of a shared MmapMut the bench's ring uses (bytes, length, wait, notify), over a
// SharedArrayBuffer, so the ring's protocol is tested between two threads with JavaScript's own
// Atomics.wait/notify, with no backend. Counts the wait() calls per offset.
export function sabMap(sab) {
  const words = new Int32Array(sab);
  const waits = new Map();
  return {
    bytes: Buffer.from(sab),
    length: sab.byteLength,
    waits,
    // An endless wait that lasts 10 s is a lost wake-up: it throws rather than hang the test.
    wait(offset, value, timeoutMs) {
      waits.set(offset, (waits.get(offset) ?? 0) + 1);
      const result = Atomics.wait(words, offset / 4, value, timeoutMs ?? 10_000);
      if (result === 'timed-out' && timeoutMs === undefined) throw new Error(`lost wake-up: wait(${offset}, ${value}) slept 10 s`);
      return result;
    },
    notify(offset) {
      return Atomics.notify(words, offset / 4);
    },
  };
}

/** Message i of a ring test: 1..maxLength bytes, each derived from i and its index. */
export function message(i, maxLength) {
  const out = Buffer.allocUnsafe(1 + ((i * 37) % maxLength));
  for (let j = 0; j < out.length; j++) out[j] = (i * 31 + j) & 255;
  return out;
}
