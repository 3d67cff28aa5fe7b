/**
 * Times and durations as a control-room user reads them, always in the force's time zone (a handler
 * may sit at a PC set to anything): "21:10" today, "Mon 23 Nov 21:10" otherwise; "1 h 05 min". And the
 * times typed into the console's forms, "23/11/2026 21:10" (day/month/year, 24-hour, as British control
 * rooms write them; a browser's date-time field would follow the PC's locale, often American):
 * converted to and from instants in the force's zone here, so a form never depends on the browser's
 * clock, zone or locale.
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

/** An instant as the API writes it inside a sentence ("set at 2026-11-23T21:04:00.000Z on …"). */
const ISO_INSTANT = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z(?: UTC)?/g;

/** A machine's sentence (a refusal, an alert) with its instants as local times ("set at 21:04 on …", "UTC" dropped). */
export const localiseTimes = (text: string, timeZone: string, now?: Date): string =>
  text.replace(ISO_INSTANT, (iso) => localTime(iso.replace(/ UTC$/, ''), timeZone, now));

/** A machine's message as a sentence on screen: capitalised, a full stop, its instants in local time. */
export function asSentence(message: string, timeZone: string, now?: Date): string {
  const m = localiseTimes(message, timeZone, now);
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}.`;
}

/** "2026-11-23" in `timeZone`. */
export function localDate(iso: string, timeZone: string): string {
  const w = wallClock(iso, timeZone);
  return `${w.y}-${w.mo}-${w.d}`;
}

/** How a form shows `iso` in `timeZone`: "23/11/2026 21:10". */
export function toLocalInput(iso: string, timeZone: string): string {
  const w = wallClock(iso, timeZone);
  return `${w.d}/${w.mo}/${w.y} ${w.h}:${w.mi}`;
}

/** What `toLocalInput` writes, or an ISO local time ("2026-11-23T21:10"). */
const LOCAL_FORMS = [
  /^(?<d>\d{1,2})\/(?<mo>\d{1,2})\/(?<y>\d{4}),?\s+(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?$/,
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[T ](?<h>\d{2}):(?<mi>\d{2})(?::(?<s>\d{2}))?$/,
];

/**
 * The instant a typed local time means in `timeZone`, as ISO-8601 UTC; null when it is not one (or
 * not a real date). In the hour a clock goes back, the earlier of the two instants.
 */
export function fromLocalInput(value: string, timeZone: string): string | null {
  const g = LOCAL_FORMS.map((re) => re.exec(value.trim())?.groups).find(Boolean);
  if (!g) return null;
  const [y, mo, d, h, mi] = [g.y, g.mo, g.d, g.h, g.mi].map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const wanted = Date.UTC(y, mo - 1, d, h, mi, g.s ? Number(g.s) : 0);
  if (new Date(wanted).getUTCDate() !== d) return null;
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

/** A typed date "04/07/1958" (or ISO "1958-07-04") as ISO "1958-07-04"; null when it is not a real date. */
export function fromLocalDate(value: string): string | null {
  const t = value.trim();
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t) ?? /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  if (!m) return null;
  const [d, mo, y] = t.includes('/') ? [m[1], m[2], m[3]] : [m[3], m[2], m[1]];
  const iso = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const at = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** "45 min", "1 h 05 min", "2 d 3 h" for a span in milliseconds (rounded down to the minute). */
export function duration(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
