/**
 * From what a user sent to what the machines see, per event type: optional fields become explicit
 * nulls, the force policy in effect is stamped in, identifiers become pseudonymous keys. Area
 * modules contribute their own translators; a type without one passes through unchanged.
 */
import type { AggregateEvent, AggregateState } from '../domain/incident-aggregate.js';
import type { IncidentEventInput } from '../domain/incident-inputs.js';
import type { EventMeta } from '../../machines/kit.js';
import { defaultAssignmentId } from '../../machines/resource/index.js';
import type { CommandDeps } from './deps.js';
import { incidentStore } from './incident-store.js';
import { buildSubject, gradePolicy, priorContactWindow } from './machine-events.js';
import { isRefusal, type TranslationRefusal } from './refusal.js';
import { detentionTranslators } from './detention-events.js';
import { referralTranslators } from './referral-translators.js';

export type MachineEventBody = AggregateEvent extends infer E
  ? E extends unknown
    ? Omit<E, keyof EventMeta>
    : never
  : never;
type InputOf<T extends string> = Omit<Extract<IncidentEventInput, { type: T }>, 'occurredAt'>;
/** `occurredAt` is given for translators that stamp time-dependent facts (e.g. whether an agency is open). */
type Translator<T extends string> = (
  deps: CommandDeps,
  state: AggregateState,
  input: InputOf<T>,
  occurredAt: string,
) => MachineEventBody | TranslationRefusal;
export type Translators = { [T in IncidentEventInput['type']]?: Translator<T> };

const coreTranslators: Translators = {
  THRIVE_RECORDED: (_d, _s, i) => ({ ...i, safetyNet: i.safetyNet ?? null }),
  GRADE_SET: (deps, _s, i) => ({ ...i, reason: i.reason ?? null, gradePolicy: gradePolicy(deps.config, i.grade) }),
  IMMEDIATE_GRADE_SET: (deps, _s, i) => ({ ...i, gradePolicy: gradePolicy(deps.config, i.grade) }),
  RCRP_DECISION_RECORDED: (_d, _s, i) => ({ ...i, override: i.override ?? null }),
  RESOLVED_WITHOUT_DEPLOYMENT: (_d, _s, i) => ({ ...i, note: i.note ?? null }),
  // Each resource gets an assignment id (the time ledger's key): the sender's, or a<seq>-<n>.
  POLICE_DISPATCHED: (_d, s, i) => ({
    ...i,
    resources: i.resources.map((r, n) => ({
      ...r,
      assignmentId: r.assignmentId ?? defaultAssignmentId(s.version + 1, n),
    })),
  }),
  INCIDENT_CLOSED: (_d, _s, i) => ({ ...i, mhFlagAtClose: i.mhFlagAtClose ?? null, note: i.note ?? null }),
  SUBJECT_RECORDED(deps, state, i) {
    const ctx = state.incident.context;
    const subject = buildSubject(deps.config, deps.keyer, i.subject, ctx.receivedAt, ctx.subject);
    if (isRefusal(subject)) return subject;
    const w = priorContactWindow(deps.config, ctx.receivedAt);
    return {
      type: 'SUBJECT_RECORDED',
      subject,
      priorContacts: incidentStore(deps.db).priorContacts(subject.personKeys, ctx.incidentId, w.from, w.to),
    };
  },
};

const translators: Translators = { ...coreTranslators, ...referralTranslators, ...detentionTranslators };

export function toMachineEvent(
  deps: CommandDeps,
  state: AggregateState,
  input: IncidentEventInput,
): MachineEventBody | TranslationRefusal {
  const { occurredAt, ...rest } = input;
  const t = translators[rest.type] as Translator<typeof rest.type> | undefined;
  return t ? t(deps, state, rest, occurredAt) : (rest as MachineEventBody);
}
