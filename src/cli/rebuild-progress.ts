/**
 * What `npm run rebuild` shows while it works (a rebuild of a year of events takes tens of seconds):
 * a progress line on stderr at most once per interval — events replayed, rate, time left — and a
 * summary line at the end. The clock is passed in, so the lines are a function of the counts and
 * the times a test gives it.
 */
import type { RebuildProgress } from '../commands/rebuild.js';

export interface ProgressOptions {
  /** Milliseconds from any fixed origin (the CLI passes `performance.now`). */
  now: () => number;
  write: (line: string) => void;
  /** Least time between two progress lines, in milliseconds. */
  everyMs?: number;
}

const n = (x: number) => Math.round(x).toLocaleString('en-GB');

/** "about 1 min 5 s" / "about 12 s" / "under a second". */
function duration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  const s = Math.round(seconds);
  return s < 60 ? `about ${s} s` : `about ${Math.floor(s / 60)} min ${s % 60} s`;
}

export function rebuildReporter(o: ProgressOptions) {
  const every = o.everyMs ?? 1000;
  const started = o.now();
  let shownAt = started;
  return {
    /** Give it every progress report; it writes a line when `everyMs` has passed since the last one. */
    progress(p: RebuildProgress): void {
      const t = o.now();
      if (t - shownAt < every) return;
      shownAt = t;
      const seconds = (t - started) / 1000;
      const rate = p.events / seconds;
      const percent = p.eventsTotal > 0 ? Math.floor((100 * p.events) / p.eventsTotal) : 100;
      const left = rate > 0 ? duration((p.eventsTotal - p.events) / rate) : 'unknown';
      o.write(
        `rebuild: ${n(p.events)} of ${n(p.eventsTotal)} events replayed (${percent}%), ` +
          `${n(p.incidents)} of ${n(p.incidentsTotal)} incidents; ${n(rate)} events/s; ${left} left\n`,
      );
    },
    /** The closing line: what was rebuilt, how long it took and how fast. */
    summary(r: { incidents: number; events: number }, where: string): string {
      const ms = o.now() - started;
      const rate = ms > 0 ? ` (${n((r.events * 1000) / ms)} events/s)` : '';
      return `rebuilt ${r.incidents} incidents from ${r.events} events in ${Math.round(ms)} ms${rate} (${where})\n`;
    },
  };
}
