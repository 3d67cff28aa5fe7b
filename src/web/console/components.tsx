/**
 * Small pieces every console screen uses: a status tag (colour, an icon and words — never colour
 * alone), and the two live clocks: a countdown to a deadline with its warning stages (the s.136
 * clock, the handover hour, a referral's answer deadline) and the time since a call against its
 * target. Both are rendered here with the server's time and then ticked each second by
 * /assets/console.js from the same data attributes, with the same words.
 *
 * Written with hono's `html` template rather than JSX elements: a queue of hundreds of rows renders
 * several times faster, and the functions still work as JSX components.
 */
import { html } from 'hono/html';
import { duration } from './format.js';

export type Tone = 'ok' | 'warn' | 'danger' | 'info' | 'neutral';
/** Never a dash for neutral: before a duration ("– 2 min") it reads as a negative time. */
export const TONE_ICONS: Record<Tone, string> = { ok: '✔', warn: '▲', danger: '✖', info: '●', neutral: '○' };

/** A status in colour, icon and words. */
export function Tag({ tone, children }: { tone: Tone; children: unknown }) {
  return html`<span class="tag tag-${tone}"
    ><span class="icon" aria-hidden="true">${TONE_ICONS[tone]}</span>${children}</span
  >`;
}

/** A warning stage: from `minutesBefore` the deadline on, the clock shows `tone`. */
export interface Stage {
  minutesBefore: number;
  tone: Tone;
}

/** The tone of a countdown `msLeft` before its deadline (past it: danger). */
export function countdownTone(msLeft: number, stages: readonly Stage[]): Tone {
  if (msLeft <= 0) return 'danger';
  const hit = [...stages]
    .sort((a, b) => a.minutesBefore - b.minutesBefore)
    .find((s) => msLeft <= s.minutesBefore * 60_000);
  return hit?.tone ?? 'ok';
}

/** "3 h 10 min left" / "overdue by 5 min". */
export const countdownText = (msLeft: number) =>
  msLeft > 0 ? `${duration(msLeft)} left` : `overdue by ${duration(-msLeft)}`;

/** A live countdown to `due`. */
export function Countdown({
  due,
  now,
  stages,
  prefix,
}: {
  due: string;
  now: Date;
  stages: readonly Stage[];
  prefix?: string;
}) {
  const left = Date.parse(due) - now.getTime();
  const tone = countdownTone(left, stages);
  const data = stages.map((s) => `${s.minutesBefore}:${s.tone}`).join(',');
  return html`<span
    class="clock tag tag-${tone}"
    data-clock="countdown"
    data-due="${due}"
    data-stages="${data}"
    data-prefix="${prefix ?? ''}"
    ><span class="icon" aria-hidden="true">${TONE_ICONS[tone]}</span
    ><span class="clock-text">${prefix ?? ''}${countdownText(left)}</span></span
  >`;
}

/** Share of the target after which the time since the call shows as a warning. */
export const TARGET_WARNING_SHARE = 0.8;

/** The tone of the time since a call: ok, warning near the target, danger past it, neutral with no target. */
export function elapsedTone(now: number, since: number, due: number | null): Tone {
  if (due === null) return 'neutral';
  if (now >= due) return 'danger';
  return now - since >= (due - since) * TARGET_WARNING_SHARE ? 'warn' : 'ok';
}

/** A call received a moment "after" now (the clock skew R7 tolerates) has waited no time, not a negative one. */
export const elapsedText = (now: number, since: number, due: number | null) => {
  const waited = Math.max(0, now - since);
  return due === null
    ? duration(waited)
    : now >= due
      ? `${duration(waited)} · ${duration(now - due)} over target`
      : `${duration(waited)} of ${duration(due - since)}`;
};

/** Time since `since` (the call), against `due` (its target) when there is one. */
export function Elapsed({ since, due, now }: { since: string; due: string | null; now: Date }) {
  const s = Date.parse(since);
  const d = due ? Date.parse(due) : null;
  const tone = elapsedTone(now.getTime(), s, d);
  return html`<span
    class="clock tag tag-${tone}"
    data-clock="elapsed"
    data-since="${since}"
    data-due="${due ?? ''}"
    data-warn-share="${TARGET_WARNING_SHARE}"
    ><span class="icon" aria-hidden="true">${TONE_ICONS[tone]}</span
    ><span class="clock-text">${elapsedText(now.getTime(), s, d)}</span></span
  >`;
}

/** A response grade: its code and label; the first (most urgent) grade stands out (in words too: its label). */
export function GradeBadge({
  code,
  label,
  first,
}: {
  code: string | null;
  label?: string | undefined;
  first: boolean;
}) {
  if (!code) return Tag({ tone: 'info', children: 'Not graded' });
  return html`<span class="grade${first ? ' grade-first' : ''}"><strong>${code}</strong> ${label ?? ''}</span>`;
}
