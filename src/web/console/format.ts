/**
 * Times and durations as a control-room user reads them, always in the force's time zone (a handler
 * may sit at a PC set to anything): "21:10" today, "Mon 23 Nov 21:10" otherwise; "1 h 05 min". And the
 * `datetime-local` inputs of the console's forms, whose values have no offset: converted to and from
 * instants in the force's zone here, so a form never depends on the browser's clock or zone.
 */
import { getOrInsert } from '../../lib/maps.js';

const formatters = new Map<string, Intl.DateTimeFormat>();
const fmt = (timeZone: string, kind: 'parts' | 'day' | 'time') =>
  getOrInsert(formatters, `${timeZone}|${kind}`, () =>
    kind === 'parts'
      ? new Intl.DateTimeFormat('en-GB', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          hourCycle: 'h23',
        })
      : kind === 'day'
        ? new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short' })
        : new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  );

/** The wall-clock fields of `iso` in `timeZone`. */
function wallClock(iso: string | number, timeZone: string) {
  const p = Object.fromEntries(
    fmt(timeZone, 'parts')
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second! };
}

/** "21:10" when `iso` is on the same local day as `now`, else "Mon 23 Nov 21:10". */
export function localTime(iso: string, timeZone: string, now?: Date): string {
  const time = fmt(timeZone, 'time').format(new Date(iso));
  if (now && localDate(iso, timeZone) === localDate(now.toISOString(), timeZone)) return time;
  return `${fmt(timeZone, 'day').format(new Date(iso))} ${time}`;
}

/** "2026-11-23" in `timeZone`. */
export function localDate(iso: string, timeZone: string): string {
  const w = wallClock(iso, timeZone);
  return `${w.y}-${w.mo}-${w.d}`;
}

/** The value of a `datetime-local` input showing `iso` in `timeZone` ("2026-11-23T21:10"). */
export function toLocalInput(iso: string, timeZone: string): string {
  const w = wallClock(iso, timeZone);
  return `${w.y}-${w.mo}-${w.d}T${w.h}:${w.mi}`;
}

/**
 * The instant a `datetime-local` value means in `timeZone`, as ISO-8601 UTC; null when it is not such
 * a value. In the hour a clock goes back, the earlier of the two instants.
 */
export function fromLocalInput(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const wanted = Date.UTC(y, mo - 1, d, h, mi, m[6] ? Number(m[6]) : 0);
  if (Number.isNaN(wanted)) return null;
  // The zone's offset at a guess, then at the corrected instant (enough for any real zone).
  const shown = (t: number) => {
    const w = wallClock(t, timeZone);
    return Date.UTC(+w.y, +w.mo - 1, +w.d, +w.h, +w.mi, +w.s);
  };
  let t = wanted;
  for (let i = 0; i < 2; i++) t += wanted - shown(t);
  // A wall-clock time that happens twice (the clocks go back): the first of the two.
  if (shown(t - 3_600_000) === wanted) t -= 3_600_000;
  return new Date(t).toISOString();
}

/** "45 min", "1 h 05 min", "2 d 3 h" for a span in milliseconds (rounded down to the minute). */
export function duration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
