/** A user records a step on an incident: the general command behind POST /api/incidents/:id/events. */
import { randomUUID } from 'node:crypto';
import { restoreAggregate, type AggregateEvent, type AggregateState } from '../domain/incident-aggregate.js';
import type { IncidentEventInput } from '../domain/incident-inputs.js';
import { incidentView } from '../domain/incident-view.js';
import { problem, type Problem } from '../http/problem.js';
import type { EventMeta } from '../../machines/types.js';
import type { CommandDeps, CommandMeta, CommandResult } from './deps.js';
import { incidentStore } from './incident-store.js';
import { buildSubject, gradePolicy, isProblem, priorContactWindow } from './machine-events.js';
import { commitEvent, inTransaction } from './run-command.js';

type Body = AggregateEvent extends infer E ? (E extends unknown ? Omit<E, keyof EventMeta> : never) : never;

/** Translate the input into the machine event body, adding what the shell knows. */
function toMachineEvent(deps: CommandDeps, state: AggregateState, input: IncidentEventInput): Body | Problem {
  const { occurredAt: _o, ...rest } = input;
  switch (rest.type) {
    case 'THRIVE_RECORDED':
      return { ...rest, safetyNet: rest.safetyNet ?? null };
    case 'GRADE_SET':
      return { ...rest, reason: rest.reason ?? null, gradePolicy: gradePolicy(deps.config, rest.grade) };
    case 'RCRP_DECISION_RECORDED':
      return { ...rest, override: rest.override ?? null };
    case 'REFERRAL_MADE':
      return { ...rest, referralId: rest.referralId ?? `ref-${randomUUID().slice(0, 8)}`, agencyReference: rest.agencyReference ?? null };
    case 'REFERRAL_ANSWERED':
      return { ...rest, reason: rest.reason ?? null, agencyReference: rest.agencyReference ?? null };
    case 'RESOLVED_WITHOUT_DEPLOYMENT':
      return { ...rest, note: rest.note ?? null };
    case 'INCIDENT_CLOSED':
      return { ...rest, mhFlagAtClose: rest.mhFlagAtClose ?? null, note: rest.note ?? null };
    case 'SUBJECT_RECORDED': {
      const ctx = state.incident.context;
      const subject = buildSubject(deps.config, deps.keyer, rest.subject, ctx.receivedAt);
      if (isProblem(subject)) return subject;
      const w = priorContactWindow(deps.config, ctx.receivedAt);
      return { type: 'SUBJECT_RECORDED', subject, priorContacts: incidentStore(deps.db).priorContacts(subject.personKeys, ctx.incidentId, w.from, w.to) };
    }
    default:
      return rest;
  }
}

export interface RecordEventRequest {
  incidentId: string;
  /** The version the client last saw (If-Match); null only for system commands. */
  ifMatch: number | null;
  input: IncidentEventInput;
}

export function recordEvent(deps: CommandDeps, meta: CommandMeta, req: RecordEventRequest): CommandResult {
  return inTransaction(deps, meta, () => {
    const row = incidentStore(deps.db).load(req.incidentId);
    if (!row) return { ok: false, problem: problem(404, 'INCIDENT_NOT_FOUND', 'Unknown incident', `no incident with id ${req.incidentId}`) };
    if (req.ifMatch !== null && req.ifMatch !== row.version) {
      return {
        ok: false,
        problem: problem(409, 'STALE_VERSION', 'Incident changed since you read it', `you sent If-Match "${req.ifMatch}" but the incident is at version ${row.version}; reload it and decide again`, {
          currentVersion: row.version,
        }),
      };
    }
    const before = restoreAggregate(row.snapshot);
    const body = toMachineEvent(deps, before, req.input);
    if (isProblem(body)) return { ok: false, problem: body };
    const event = {
      ...body,
      seq: before.version + 1,
      occurredAt: req.input.occurredAt,
      recordedAt: deps.clock.now().toISOString(),
      actor: meta.actor,
    } as AggregateEvent;
    const r = commitEvent(deps, before, event, meta.idempotencyKey);
    if (!r.ok) return r;
    return { ok: true, status: 200, body: incidentView(r.state), etag: `"${r.state.version}"`, replayed: false };
  });
}
