// Statistics for samples measured outside tinybench (the C loop), in the same shape as tinybench's.
import type { Task } from 'tinybench';

export interface Summary {
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
  rme: number;
  samples: number;
}

/** Two-sided 95% Student t critical values for df = 1..30; 1.96 beyond. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = sorted[Math.floor(pos)];
  const hi = sorted[Math.ceil(pos)];
  if (lo === undefined || hi === undefined) return NaN;
  return lo + (hi - lo) * (pos - Math.floor(pos));
}

export function summarize(samplesNs: number[]): Summary {
  const n = samplesNs.length;
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? sorted.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  const sem = Math.sqrt(variance / n);
  const critical = (n > 1 ? T95[n - 2] : T95[0]) ?? 1.96;
  return {
    meanNs: mean,
    p50Ns: quantile(sorted, 0.5),
    p99Ns: quantile(sorted, 0.99),
    rme: mean > 0 ? (100 * sem * critical) / mean : Infinity,
    samples: n,
  };
}

/** tinybench reports milliseconds; the report keeps nanoseconds. */
export function fromTask(task: Task): Summary {
  const r = task.result;
  if (r.state === 'errored') throw r.error;
  if (r.state !== 'completed' && r.state !== 'aborted-with-statistics') throw new Error(`task ${task.name} ended ${r.state}`);
  const l = r.latency;
  return { meanNs: l.mean * 1e6, p50Ns: l.p50 * 1e6, p99Ns: l.p99 * 1e6, rme: l.rme, samples: l.samplesCount };
}
