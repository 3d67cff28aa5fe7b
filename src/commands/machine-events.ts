/**
 * From what a user sent to what the machines see: optional fields become explicit nulls, the force
 * policy in effect is stamped in (so replay never depends on today's configuration), and personal
 * identifiers are replaced by pseudonymous keys.
 */
import type { GradePolicy, IncidentPolicy } from '../../machines/incident/index.js';
import { ageBandFor, type PriorContact, type Subject } from '../../machines/subject.js';
import type { ForceConfig } from '../config/schema.js';
import type { SubjectInput } from '../domain/incident-inputs.js';
import type { PersonKeyer } from '../domain/person-key.js';
import { invalid, type Invalid } from './refusal.js';

export function incidentPolicy(config: ForceConfig, category: string): IncidentPolicy {
  const cat = config.categories.find((c) => c.code === category);
  return {
    rcrpCategory: cat?.rcrp ?? false,
    childrenExcludedFromRcrp: config.rcrp.childrenExcluded,
    childExclusionAction: config.rcrp.childExclusionAction,
    repeatContactWindowHours: config.repeatContact.windowHours,
    futureToleranceSeconds: config.time.futureToleranceSeconds,
    requiresDetainedLegalStatus: cat?.requiresDetainedLegalStatus ?? false,
    timeZone: config.force.timezone,
    immediateGrades: config.grades.filter((g) => g.immediate).map((g) => g.code),
  };
}

export function gradePolicy(config: ForceConfig, code: string): GradePolicy {
  const g = config.grades.find((x) => x.code === code);
  // unreachable: the input schema is built from the same config
  if (!g) throw new Error(`grade ${code} is not configured`);
  const t = g.attendanceTarget;
  return {
    label: g.label,
    requiresDeployment: g.requiresDeployment,
    targetSplit: t !== null && t.urbanMinutes !== undefined,
    attendanceTarget: t && {
      startEvent: t.startEvent,
      minutes: t.minutes ?? null,
      urbanMinutes: t.urbanMinutes ?? null,
      ruralMinutes: t.ruralMinutes ?? null,
    },
    unresourcedAlertAfterMinutes: g.unresourcedAlert?.afterMinutes ?? null,
    unresourcedNotify: g.unresourcedAlert?.notify ?? null,
    immediate: g.immediate,
  };
}

/** Whole years between a date of birth and the local calendar date of `at` in the force's time zone. */
export function ageOn(dateOfBirth: string, at: string, timeZone: string): number {
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
  const [y, m, d] = local.split('-').map(Number) as [number, number, number];
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** `previous`: the subject recorded before, whose legal status carries over when the new record does not give one. */
export function buildSubject(
  config: ForceConfig,
  keyer: PersonKeyer,
  input: SubjectInput,
  receivedAt: string,
  previous: Subject | null = null,
): Subject | Invalid {
  const ids = input.identifiers ?? {};
  let ageYears = input.ageYears ?? null;
  if (ids.dateOfBirth) {
    const fromDob = ageOn(ids.dateOfBirth, receivedAt, config.force.timezone);
    if (fromDob < 0 || fromDob > 120) {
      return invalid('subject.identifiers.dateOfBirth is not a plausible date of birth for this call', [
        { path: 'subject.identifiers.dateOfBirth', message: 'implausible date of birth' },
      ]);
    }
    if (ageYears !== null && ageYears !== fromDob) {
      return invalid('subject.ageYears does not match subject.identifiers.dateOfBirth', [
        { path: 'subject.ageYears', message: 'conflicts with dateOfBirth' },
      ]);
    }
    ageYears = fromDob;
  }
  return {
    personKeys: keyer.keysFor(ids),
    ageYears,
    ageBand: ageYears !== null ? ageBandFor(ageYears) : (input.ageBand ?? 'notKnown'),
    gender: input.gender,
    ethnicity: input.ethnicity,
    ethnicityBasis: input.ethnicityBasis,
    legalStatus: input.legalStatus ?? previous?.legalStatus ?? null,
  };
}

/** The window in which an earlier no-deploy decision makes this contact a repeat (R15). */
export function priorContactWindow(config: ForceConfig, receivedAt: string): { from: string; to: string } {
  const from = new Date(Date.parse(receivedAt) - config.repeatContact.windowHours * 3_600_000).toISOString();
  return { from, to: receivedAt };
}

export type { PriorContact };
