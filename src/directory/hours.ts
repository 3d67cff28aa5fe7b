/** Whether a partner's listed opening hours include an instant, in the force's local time. */
import { WEEKDAYS, type Hours } from '../config/schema.js';
import { getOrInsert } from '../lib/maps.js';

type Weekday = (typeof WEEKDAYS)[number];
const SHORT: Record<string, Weekday> = { Mon: 'MO', Tue: 'TU', Wed: 'WE', Thu: 'TH', Fri: 'FR', Sat: 'SA', Sun: 'SU' };

const formatters = new Map<string, Intl.DateTimeFormat>();
function localParts(iso: string, timeZone: string): { day: Weekday; minutes: number } {
  const f = getOrInsert(
    formatters,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const parts = Object.fromEntries(f.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { day: SHORT[parts.weekday!]!, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** null when no hours are listed (unknown). A session closing before it opens runs past midnight. */
export function isOpenAt(hours: Hours | null, iso: string, timeZone: string): boolean | null {
  if (!hours) return null;
  if (hours.alwaysOpen) return true;
  const { day, minutes } = localParts(iso, timeZone);
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7]!;
  return hours.sessions.some((s) => {
    const opens = toMinutes(s.opens);
    const closes = toMinutes(s.closes);
    if (closes > opens) return s.days.includes(day) && minutes >= opens && minutes < closes;
    // Overnight: the evening part today, or the early-morning part of a session that began yesterday.
    return (s.days.includes(day) && minutes >= opens) || (s.days.includes(yesterday) && minutes < closes);
  });
}
