/**
 * What a benchmark figure means depends on where and how it was taken: every report records the
 * machine (cores as `nproc` counts them, CPU model, memory, Node), its load average before and after,
 * the command that produced it and when. The processes of one run also share one clock here.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export function machine() {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1e9),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The 1-, 5- and 15-minute load averages: other work on this shared machine skews a run. */
export const loadAverage = (): [number, number, number] =>
  loadavg().map((x) => Number(x.toFixed(2))) as [number, number, number];

/** The command line that reproduces a run: every BENCH_* setting given, then `npm run bench`. */
export function benchCommand(suite: string): string {
  const knobs = Object.entries(process.env)
    .filter(([k, v]) => k.startsWith('BENCH_') && k !== 'BENCH_SUITE' && v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  return [`BENCH_SUITE=${suite}`, ...knobs, 'npm run bench'].join(' ');
}

/**
 * Milliseconds on the system's monotonic clock (CLOCK_MONOTONIC through process.hrtime): one clock
 * for every process on this machine, so a time taken in the server and one taken in a console
 * process can be subtracted (no skew, and no wall-clock step can move either).
 */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * With BENCH_QUIET_LOAD=x: wait until the 1-minute load average is below x (at most BENCH_QUIET_WAIT
 * seconds, default 900), so a run on this shared machine starts when it is as quiet as it gets.
 * Returns what the load was when the run starts either way.
 */
export async function waitForQuiet(log: (line: string) => void): Promise<[number, number, number]> {
  const threshold = Number(process.env.BENCH_QUIET_LOAD ?? Number.NaN);
  const deadline = Date.now() + Number(process.env.BENCH_QUIET_WAIT ?? 900) * 1000;
  if (Number.isNaN(threshold)) return loadAverage();
  while (loadAverage()[0] >= threshold && Date.now() < deadline) {
    log(`  load average ${loadAverage().join(' ')}: waiting for < ${threshold}`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
  return loadAverage();
}
