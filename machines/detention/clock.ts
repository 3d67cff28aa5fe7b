/**
 * The detention's clocks, as rows the scheduler sweeps: warnings before and the lapse at the end
 * of the permitted period (per extension round), the assessment start, the handover to the NHS,
 * and welfare checks at a police station. Also the flags time raises: when a clock fires, and when
 * the record shows a clock was overrun (a late start, a late handover) however late it is written.
 * The rules they serve are named in rules.ts (CLOCK_RULES); keys are stored, so never change them.
 */
import { type DeadlineSpec, type EventMeta, type Flag, HOUR_MS, MINUTE_MS, plusMs, type Violation, v } from '../kit.js';
import { currentStay, type DetentionContext, hoursText, isEnded, placeName, powerLabel, type Stay } from './events.js';
import { CLOCK_RULES } from './rules.js';

const { period, handover, welfareCheck, assessmentStart } = CLOCK_RULES;
const ASSESSMENT_START_KEY = `${assessmentStart}:assessmentStart`;

/** Which extension round the clock is in: warnings and the expiry alert are per round. */
const round = (c: DetentionContext) => c.extensions.length;

export function detentionDeadlines(c: DetentionContext): DeadlineSpec[] {
  if (!c.clockStart || !c.expiresAt || isEnded(c)) return [];
  const out: DeadlineSpec[] = [];
  const r = round(c);
  for (const m of c.policy.warningMinutesBeforeExpiry) {
    const due = plusMs(c.expiresAt, -m * MINUTE_MS);
    if (due > c.clockStart)
      out.push({ key: `${period}:warning:${m}:${r}`, rule: period, kind: 'clockWarning', dueAt: due });
  }
  out.push({ key: `${period}:expiry:${r}`, rule: period, kind: 'clockExpiry', dueAt: c.expiresAt });
  if (c.lapsedAt) return out;
  if (!c.assessmentStartedAt) {
    out.push({
      key: ASSESSMENT_START_KEY,
      rule: assessmentStart,
      kind: 'assessmentStart',
      dueAt: plusMs(c.clockStart, c.policy.assessmentStartFlagHours * HOUR_MS),
    });
  }
  const stay = currentStay(c);
  if (stay?.policeInAttendance && stay.handoverRuleApplies && !stay.acceptedAt && !stay.extendedStay) {
    out.push({
      key: handoverKey(stay),
      rule: handover,
      kind: 'handover',
      dueAt: plusMs(stay.arrivedAt, c.policy.handoverMinutes * MINUTE_MS),
    });
  }
  if (stay && stay.place.type === 'policeStation') {
    const from = stay.lastCheckAt ?? stay.arrivedAt;
    out.push({
      key: `${welfareCheck}:check:${stay.lastCheckSeq ?? stay.seq}`,
      rule: welfareCheck,
      kind: 'healthcareCheck',
      dueAt: plusMs(from, c.policy.healthcareCheckMinutes * MINUTE_MS),
    });
  }
  return out;
}

const handoverKey = (stay: Stay) => `${handover}:handover:${stay.seq}`;

/** Whether a fired deadline ends the permitted period (the detention has lapsed). */
export const isExpiryKey = (key: string) => key.startsWith(`${period}:expiry:`);

/** DEADLINE_REACHED is taken only for a clock the detention still watches and that has not fired. */
export function detentionDeadlineViolation(c: DetentionContext, key: string): Violation | null {
  const live = detentionDeadlines(c).some((d) => d.key === key) && !c.firedDeadlines.includes(key);
  return live ? null : v(null, 'DEADLINE_NOT_LIVE', `deadline ${key} no longer applies`);
}

const label = (c: DetentionContext) => `${powerLabel(c.power)} detention ${c.detentionId}`;

/** The alert a fired deadline raises. */
export function deadlineFlag(c: DetentionContext, key: string, e: EventMeta): Flag {
  const base = { key, raisedAt: e.occurredAt, seq: e.seq };
  const [rule, kind, arg] = key.split(':');
  if (kind === 'warning') {
    return {
      ...base,
      rule: period,
      severity: 'warning',
      notify: c.policy.notify.clockWarning,
      message:
        `${label(c)}: ${hoursText(Number(arg) * MINUTE_MS)} left on the detention clock (expires ${c.expiresAt} ` +
        `UTC) and no outcome yet`,
    };
  }
  if (kind === 'expiry') {
    return {
      ...base,
      rule: period,
      severity: 'critical',
      notify: c.policy.notify.clockExpired,
      message:
        `${label(c)}: detention authority lapsed — the permitted period expired at ${c.expiresAt} UTC with no ` +
        `outcome recorded; the person may not be held under this power`,
    };
  }
  if (kind === 'handover') {
    return {
      ...base,
      rule: handover,
      severity: 'warning',
      notify: c.policy.notify.handover,
      message:
        `${label(c)}: no NHS acceptance ${c.policy.handoverMinutes} min after arrival at ` +
        `${placeName(currentStay(c)!.place)}`,
    };
  }
  if (kind === 'check') {
    return {
      ...base,
      rule: welfareCheck,
      severity: 'warning',
      notify: c.policy.notify.healthcareCheck,
      message:
        `${label(c)}: no healthcare-professional welfare check recorded for ${c.policy.healthcareCheckMinutes} ` +
        `min at the police station`,
    };
  }
  if (kind === 'assessmentStart') {
    return {
      ...base,
      rule: assessmentStart,
      severity: 'warning',
      notify: c.policy.notify.assessmentDelay,
      message: `${label(c)}: no assessment ${c.policy.assessmentStartFlagHours} h after the clock started`,
    };
  }
  return {
    ...base,
    rule: rule ?? period,
    severity: 'warning',
    notify: null,
    message: `${label(c)}: deadline ${key} reached`,
  };
}

/** The assessment started later after the clock started than expected (whether or not its deadline fired). */
export function lateAssessmentFlag(c: DetentionContext, e: EventMeta): Flag | null {
  const due = plusMs(c.clockStart!, c.policy.assessmentStartFlagHours * HOUR_MS);
  return e.occurredAt <= due ? null : deadlineFlag(c, ASSESSMENT_START_KEY, e);
}

/**
 * Police waited at `stay` longer than the handover expectation, with no agreed extended stay: the
 * NHS accepted the person late (the same alert the handover deadline raises, so it is raised once
 * whether the clock or the record got there first), or police left late.
 */
export function lateHandoverFlag(
  c: DetentionContext,
  stay: Stay,
  e: EventMeta,
  ended: 'acceptance' | 'departure',
): Flag | null {
  const waited = Date.parse(e.occurredAt) - Date.parse(stay.arrivedAt);
  if (!stay.handoverRuleApplies || stay.extendedStay || waited <= c.policy.handoverMinutes * MINUTE_MS) return null;
  if (ended === 'acceptance' && !stay.policeInAttendance) return null;
  const minutes = Math.round(waited / MINUTE_MS);
  const expected = `expected within ${c.policy.handoverMinutes} min; no agreed extended stay`;
  const place = placeName(stay.place);
  return {
    key: ended === 'acceptance' ? handoverKey(stay) : `${handover}:departure:${stay.seq}`,
    rule: handover,
    severity: 'warning',
    message:
      ended === 'acceptance'
        ? `${label(c)}: NHS accepted the person ${minutes} min after arrival at ${place} (${expected})`
        : `${label(c)}: police left ${place} ${minutes} min after arrival (${expected})`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: c.policy.notify.handover,
  };
}
