// koffi rejects async calls beyond `max_async_calls` (256 queued) with an exception. Callers may
// start thousands of flushAsync/prefetch at once, so we keep a bounded number in flight and queue
// the rest here.
const LIMIT = 64;
let running = 0;
const waiting: Array<() => void> = [];

function next(): void {
  running--;
  waiting.shift()?.();
}

/** Runs `task` when fewer than LIMIT koffi async calls of ours are in flight. */
export function limited<T>(task: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const start = (): void => {
      running++;
      task().then(resolve, reject).finally(next);
    };
    if (running < LIMIT) start();
    else waiting.push(start);
  });
}
