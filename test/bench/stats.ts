/** The few statistics the benchmarks report: medians of runs, and percentiles of latency samples. */

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (0–100) of ascending `sorted`, nearest rank. */
function rank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Latency {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** p50/p90/p99/max/mean of latency samples in ms (rounded to 0.01 ms); NaN when there are none. */
export function latency(xs: number[]): Latency {
  if (xs.length === 0)
    return { samples: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const s = Float64Array.from(xs).sort();
  const sorted = Array.from(s);
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    samples: sorted.length,
    p50: round(rank(sorted, 50)),
    p90: round(rank(sorted, 90)),
    p99: round(rank(sorted, 99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sum / sorted.length),
  };
}
