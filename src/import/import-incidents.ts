/**
 * Bulk import of historic command-and-control extracts (CSV, one row per incident).
 *
 * The event log stays the truth: each good row becomes ONE stored event, INCIDENT_IMPORTED (a
 * closed historic incident with its times, category, grade, flags and resource times), applied by
 * the same pure machines (the resource machine checks R38/R39 on every assignment) and projected
 * by the same pure projection as a live command. What differs is only the shell: rows are streamed
 * (bounded memory), validated one by one (a bad row is reported with its line number and the rest
 * carry on), and written in large transactions with prepared statements; the demand rollups are
 * accumulated per batch. Re-importing is idempotent: a row whose incident_ref is already stored is
 * skipped.
 *
 * Column mapping: see IMPORT_COLUMNS (and docs/operations.md).
 */
import { parse } from 'csv-parse';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import {
  CHANNELS,
  RCRP_DECISIONS,
  REFERRAL_ANSWERS,
  type CallHandling,
  type ImportedReferral,
  type ImportedResource,
} from '../../machines/incident.machine.js';
import type { Activity, Segment } from '../../machines/resource.machine.js';
import type { Actor } from '../../machines/types.js';
import type { Subject } from '../../machines/subject.js';
import type { CommandDeps } from '../commands/deps.js';
import { incidentStore } from '../commands/incident-store.js';
import { gradePolicy, incidentPolicy } from '../commands/machine-events.js';
import type { ForceConfig } from '../config/schema.js';
import { applyToAggregate, emptyAggregate, type AggregateEvent } from '../domain/incident-aggregate.js';
import { project } from '../domain/projection.js';

/** The columns an extract may carry (header names, any order; unknown columns are refused). */
export const IMPORT_COLUMNS = {
  incident_ref: 'required: the command-and-control incident reference (unique; the idempotency key)',
  received_at: 'required: when the call was received, ISO-8601 with offset (2025-04-01T09:15:00Z or +01:00)',
  closed_at: 'required: when the incident was closed (ISO-8601 with offset)',
  channel: `required: ${CHANNELS.join(' | ')}`,
  category: 'required: a configured incident category code',
  grade: 'optional: a configured grade code',
  district: 'optional: a configured district',
  location_class: 'optional: urban | rural',
  mh_flag_at_call: 'required: Y/N (also true/false, 1/0)',
  mh_flag_at_close: 'optional: Y/N; blank = not recorded (reported as a data-quality note)',
  rcrp_decision: `optional: ${RCRP_DECISIONS.join(' | ')}`,
  closure_code: 'optional: a configured closure code',
  call_answered_at: 'optional: control room answered the call (with call_ended_at)',
  call_ended_at: 'optional: the call ended (with call_answered_at)',
  referral_agency: 'optional: a configured agency code the incident was referred to (one referral per row)',
  referral_made_at: 'optional (with referral_agency): when the referral was made',
  referral_answer: 'optional: accepted | declined | noResponse; blank = no answer recorded',
  referral_answered_at: 'optional (with referral_answer): when the agency answered',
  person_ref:
    'optional: the force person reference of the subject (turned into a pseudonymous key and dropped; links repeat ' +
    'demand, R41)',
  resources:
    'optional: assignments separated by ";", each CALLSIGN|OFFICERS|TYPE|status@time|status@time…; statuses ' +
    'dispatched (first), arrived, atScene, travelling, conveying, atED, atHBPoS, inCustody, other, cleared (last)',
  referrals:
    'optional, instead of the referral_* columns: several referrals separated by ";", each ' +
    'AGENCY|made_at|answer|answered_at (answer and answered_at both blank when no answer is recorded)',
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

/** Resource status in an extract → the activity it starts (cleared ends the assignment). */
export const STATUS_ACTIVITY: Record<string, Activity> = {
  dispatched: 'travel',
  travelling: 'travel',
  arrived: 'scene',
  atScene: 'scene',
  conveying: 'conveyance',
  atED: 'waitingED',
  atHBPoS: 'waitingHBPoS',
  inCustody: 'custody',
  other: 'other',
};

export interface ImportError {
  line: number;
  ref: string | null;
  message: string;
  rule?: string | null;
}

export interface ImportSummary {
  rows: number;
  imported: number;
  alreadyPresent: number;
  errors: ImportError[];
  /** Errors beyond the first `maxErrors` are counted, not kept. */
  errorCount: number;
  seconds: number;
}

export interface ImportOptions {
  /** Name recorded in each event's `source` (default: the file's base name). */
  source?: string;
  /** Incidents per transaction (default 5000). */
  batchSize?: number;
  maxErrors?: number;
  onBatch?: (s: { rows: number; imported: number }) => void;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A time from the extract (offset required: local times without one are ambiguous at the clock change). */
function instant(s: string, field: string): string {
  if (!INSTANT.test(s))
    throw new RowError(`${field}: '${s}' is not an ISO-8601 time with an offset (e.g. 2025-04-01T09:15:00Z)`);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new RowError(`${field}: '${s}' is not a valid time`);
  return new Date(t).toISOString();
}

class RowError extends Error {
  constructor(
    message: string,
    readonly rule: string | null = null,
  ) {
    super(message);
  }
}

const FLAGS: Record<string, boolean> = {
  y: true,
  yes: true,
  true: true,
  '1': true,
  n: false,
  no: false,
  false: false,
  '0': false,
};
function flag(s: string | undefined, field: string, required: boolean): boolean | null {
  const v = (s ?? '').trim().toLowerCase();
  if (v === '') {
    if (required) throw new RowError(`${field} is required (Y or N)`, field === 'mh_flag_at_call' ? 'R40' : null);
    return null;
  }
  const b = FLAGS[v];
  if (b === undefined) throw new RowError(`${field}: '${s}' is not Y/N`);
  return b;
}

/** Parse the packed `resources` cell into assignments with activity segments (R38/R39 are checked by the machine). */
export function parseResources(cell: string, resourceTypes: ReadonlySet<string>): ImportedResource[] {
  if (cell.trim() === '') return [];
  return cell.split(';').map((part, i) => {
    const bits = part.trim().split('|');
    const where = `resources[${i + 1}]`;
    if (bits.length < 5)
      throw new RowError(
        `${where}: expected CALLSIGN|OFFICERS|TYPE|dispatched@time|…|cleared@time, got '${part.trim()}'`,
      );
    const [callSign, officersText, type, ...statuses] = bits as [string, string, string, ...string[]];
    if (!/^[^\s][^|;]{0,31}$/.test(callSign)) throw new RowError(`${where}: '${callSign}' is not a call sign`);
    const officers = Number(officersText);
    if (!Number.isInteger(officers) || officers < 1 || officers > 50)
      throw new RowError(`${where}: officers '${officersText}' must be a whole number 1–50`);
    if (!resourceTypes.has(type))
      throw new RowError(
        `${where}: resource type '${type}' is not configured (one of ${[...resourceTypes].join(', ')})`,
      );
    const steps = statuses.map((st) => {
      const at = st.indexOf('@');
      if (at < 0) throw new RowError(`${where}: '${st}' is not status@time`);
      return { status: st.slice(0, at), time: instant(st.slice(at + 1), `${where} ${st.slice(0, at)}`) };
    });
    if (steps[0]!.status !== 'dispatched') throw new RowError(`${where}: the first status must be dispatched`, 'R38');
    if (steps[steps.length - 1]!.status !== 'cleared')
      throw new RowError(`${where}: the last status must be cleared`, 'R38');
    const segments: Segment[] = [];
    let arrivedAt: string | null = null;
    for (let k = 0; k < steps.length - 1; k++) {
      const { status, time } = steps[k]!;
      const activity = STATUS_ACTIVITY[status];
      if (!activity)
        throw new RowError(
          `${where}: unknown status '${status}' (${[...Object.keys(STATUS_ACTIVITY), 'cleared'].join(', ')})`,
        );
      if (status === 'arrived' && arrivedAt === null) arrivedAt = time;
      const end = steps[k + 1]!.time;
      if (end > time) segments.push({ activity, startAt: time, endAt: end });
      else if (end < time) {
        // Before its dispatch or arrival is R38's dispatched ≤ arrived ≤ cleared; any other disorder would make
        // segments overlap (R39).
        const next = steps[k + 1]!.status;
        const r38 = status === 'dispatched' || next === 'arrived' || next === 'cleared';
        throw new RowError(
          `${where}: ${next} (${end}) is before ${status} (${time}); statuses must be in time order`,
          r38 ? 'R38' : 'R39',
        );
      }
    }
    const dispatchedAt = steps[0]!.time;
    const clearedAt = steps[steps.length - 1]!.time;
    // A resource cleared the moment it was dispatched has no time to account for: one empty segment.
    if (segments.length === 0) segments.push({ activity: 'travel', startAt: dispatchedAt, endAt: clearedAt });
    return {
      assignmentId: `h${i + 1}`,
      callSign,
      officers,
      resourceType: type,
      dispatchedAt,
      arrivedAt,
      clearedAt,
      segments,
    };
  });
}

/** Validates one CSV record (all values strings) against the configuration. */
function rowReader(config: ForceConfig, keyer: CommandDeps['keyer']) {
  const categories = new Set(config.categories.map((c) => c.code));
  const grades = new Set(config.grades.map((g) => g.code));
  const districts = new Set(config.districts);
  const closureCodes = new Set(config.closureCodes);
  const resourceTypes = new Set(config.resourceTypes);
  const oneOf = (set: ReadonlySet<string>, v: string, field: string) => {
    if (!set.has(v))
      throw new RowError(
        `${field}: '${v}' is not one of ${[...set].slice(0, 15).join(', ')}${set.size > 15 ? ', …' : ''}`,
      );
    return v;
  };
  const gradePolicies = new Map(config.grades.map((g) => [g.code, gradePolicy(config, g.code)]));
  const policies = new Map(config.categories.map((c) => [c.code, incidentPolicy(config, c.code)]));
  const agencies = new Set(config.agencies.map((a) => a.code));
  type ReferralFields = {
    agency: string | null;
    madeAt: string | null;
    answer: string | null;
    answeredAt: string | null;
  };
  const referral = (id: string, v: ReferralFields, name: Record<keyof ReferralFields, string>): ImportedReferral => {
    if (v.agency === null || v.madeAt === null)
      throw new RowError(`${name.agency} and ${name.madeAt} go together`, 'R11');
    oneOf(agencies, v.agency, name.agency);
    if (v.answer !== null && !(REFERRAL_ANSWERS as readonly string[]).includes(v.answer))
      throw new RowError(`${name.answer}: '${v.answer}' is not one of ${REFERRAL_ANSWERS.join(', ')}`);
    if ((v.answer === null) !== (v.answeredAt === null))
      throw new RowError(`${name.answer} and ${name.answeredAt} go together`);
    return {
      referralId: id,
      agency: v.agency,
      madeAt: instant(v.madeAt, name.madeAt),
      answer: v.answer as ImportedReferral['answer'],
      answeredAt: v.answeredAt === null ? null : instant(v.answeredAt, name.answeredAt),
    };
  };
  /** One referral in the referral_* columns, or several packed in `referrals` (not both). */
  const referralsOf = (cols: ReferralFields, packed: string | null): ImportedReferral[] => {
    const single = Object.values(cols).some((v) => v !== null);
    if (single && packed !== null)
      throw new RowError('give referrals either in the referral_* columns or in referrals, not both');
    if (single)
      return [
        referral('h1', cols, {
          agency: 'referral_agency',
          madeAt: 'referral_made_at',
          answer: 'referral_answer',
          answeredAt: 'referral_answered_at',
        }),
      ];
    if (packed === null) return [];
    return packed.split(';').map((part, i) => {
      const where = `referrals[${i + 1}]`;
      const bits = part.split('|').map((b) => (b.trim() === '' ? null : b.trim()));
      if (bits.length !== 2 && bits.length !== 4)
        throw new RowError(
          `${where}: expected AGENCY|made_at or AGENCY|made_at|answer|answered_at, got '${part.trim()}'`,
        );
      const [agency = null, madeAt = null, answer = null, answeredAt = null] = bits;
      return referral(
        `h${i + 1}`,
        { agency, madeAt, answer, answeredAt },
        {
          agency: `${where} agency`,
          madeAt: `${where} made_at`,
          answer: `${where} answer`,
          answeredAt: `${where} answered_at`,
        },
      );
    });
  };
  const personRef = (ref: string | null): Subject | null => {
    if (ref === null) return null;
    if (ref.length > 64) throw new RowError('person_ref: at most 64 characters');
    return {
      personKeys: keyer.keysFor({ forcePersonId: ref }),
      ageYears: null,
      ageBand: 'notKnown',
      gender: 'notKnown',
      ethnicity: 'notStated',
      ethnicityBasis: 'notKnown',
    };
  };
  return (r: Record<string, string>) => {
    const ref = (r.incident_ref ?? '').trim();
    if (ref === '' || ref.length > 64) throw new RowError('incident_ref is required (at most 64 characters)');
    const req = (k: ImportColumn) => {
      const v = (r[k] ?? '').trim();
      if (v === '') throw new RowError(`${k} is required`);
      return v;
    };
    const opt = (k: ImportColumn) => {
      const v = (r[k] ?? '').trim();
      return v === '' ? null : v;
    };
    const receivedAt = instant(req('received_at'), 'received_at');
    const closedAt = instant(req('closed_at'), 'closed_at');
    const channel = req('channel');
    if (!(CHANNELS as readonly string[]).includes(channel))
      throw new RowError(`channel: '${channel}' is not one of ${CHANNELS.join(', ')}`);
    const category = oneOf(categories, req('category'), 'category');
    const grade = opt('grade');
    if (grade !== null) oneOf(grades, grade, 'grade');
    const district = opt('district');
    if (district !== null) oneOf(districts, district, 'district');
    const locationClass = opt('location_class');
    if (locationClass !== null && locationClass !== 'urban' && locationClass !== 'rural')
      throw new RowError(`location_class: '${locationClass}' is not urban or rural`);
    const decision = opt('rcrp_decision');
    if (decision !== null && !(RCRP_DECISIONS as readonly string[]).includes(decision))
      throw new RowError(`rcrp_decision: '${decision}' is not one of ${RCRP_DECISIONS.join(', ')}`, 'R8');
    const closureCode = opt('closure_code');
    if (closureCode !== null) oneOf(closureCodes, closureCode, 'closure_code');
    const answered = opt('call_answered_at');
    const ended = opt('call_ended_at');
    if ((answered === null) !== (ended === null)) throw new RowError('call_answered_at and call_ended_at go together');
    const callHandling: CallHandling[] =
      answered && ended
        ? [{ answeredAt: instant(answered, 'call_answered_at'), endedAt: instant(ended, 'call_ended_at') }]
        : [];
    return {
      ref,
      receivedAt,
      body: {
        type: 'INCIDENT_IMPORTED' as const,
        reference: ref,
        channel: channel as (typeof CHANNELS)[number],
        category,
        grade,
        gradePolicy: grade ? gradePolicies.get(grade)! : null,
        district,
        locationClass: locationClass as 'urban' | 'rural' | null,
        mhFlagAtCall: flag(r.mh_flag_at_call, 'mh_flag_at_call', true)!,
        mhFlagAtClose: flag(r.mh_flag_at_close, 'mh_flag_at_close', false),
        rcrpDecision: decision as (typeof RCRP_DECISIONS)[number] | null,
        closureCode,
        closedAt,
        subject: personRef(opt('person_ref')),
        referrals: referralsOf(
          {
            agency: opt('referral_agency'),
            madeAt: opt('referral_made_at'),
            answer: opt('referral_answer'),
            answeredAt: opt('referral_answered_at'),
          },
          opt('referrals'),
        ),
        callHandling,
        resources: parseResources(r.resources ?? '', resourceTypes),
        policy: policies.get(category)!,
      },
    };
  };
}

type ImportedBody = ReturnType<ReturnType<typeof rowReader>>['body'];
type Pending = { line: number; ref: string; receivedAt: string; body: ImportedBody };

/** The extract's columns behind each field of an INCIDENT_IMPORTED event (the policies come from the configuration, not
 * the row). */
const FIELD_COLUMNS: Record<string, string> = {
  channel: 'channel',
  category: 'category',
  grade: 'grade',
  district: 'district',
  locationClass: 'location_class',
  mhFlagAtCall: 'mh_flag_at_call',
  mhFlagAtClose: 'mh_flag_at_close',
  rcrpDecision: 'rcrp_decision',
  closureCode: 'closure_code',
  closedAt: 'closed_at',
  subject: 'person_ref',
  referrals: 'referral_*/referrals',
  callHandling: 'call_answered_at/call_ended_at',
  resources: 'resources',
};

/** The columns in which a row differs from an incident already imported under its reference. */
function differingColumns(row: Pending, stored: Record<string, unknown>, storedReceivedAt: string): string[] {
  const out = row.receivedAt === storedReceivedAt ? [] : ['received_at'];
  const body = row.body as unknown as Record<string, unknown>;
  for (const [field, column] of Object.entries(FIELD_COLUMNS))
    if (JSON.stringify(body[field] ?? null) !== JSON.stringify(stored[field] ?? null)) out.push(column);
  return out;
}

const headerSchema = z.array(z.string()).superRefine((cols, ctx) => {
  const known = Object.keys(IMPORT_COLUMNS);
  for (const c of cols)
    if (!known.includes(c))
      ctx.addIssue({ code: 'custom', message: `unknown column '${c}' (known: ${known.join(', ')})` });
  for (const c of ['incident_ref', 'received_at', 'closed_at', 'channel', 'category', 'mh_flag_at_call']) {
    if (!cols.includes(c)) ctx.addIssue({ code: 'custom', message: `missing required column '${c}'` });
  }
});

export class ImportHeaderError extends Error {}

/**
 * A UUID version 7 (RFC 9562) from the call's time: ids of an extract sorted by time arrive in
 * order, so the index entries of a bulk import are appended rather than scattered.
 */
export function timeOrderedId(iso: string): string {
  const hex = Math.max(0, Date.parse(iso)).toString(16).padStart(12, '0').slice(-12);
  const r = randomUUID(); // version 4: its random bits, with the version and variant nibbles kept in place
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${r.slice(15, 18)}-${r.slice(19, 23)}-${r.slice(24)}`;
}

/** Import a CSV stream. Each batch is one transaction; nothing of a bad row is written. */
export async function importCsvStream(
  deps: CommandDeps,
  input: Readable,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const batchSize = opts.batchSize ?? 5000;
  const maxErrors = opts.maxErrors ?? 1000;
  const source = opts.source ?? 'extract.csv';
  const actor: Actor = { id: `import:${source}`, role: 'system' };
  const read = rowReader(deps.config, deps.keyer);
  const store = incidentStore(deps.db);
  const sqlite = deps.db.$client;
  // The first event of each incident already stored under one of the batch's references: what a re-imported row is
  // compared with.
  const storedFirst = sqlite.prepare(
    `SELECT i.reference, e.type, e.payload, e.occurred_at AS occurredAt
     FROM incidents i JOIN incident_events e ON e.incident_id = i.id AND e.seq = 1
     WHERE i.reference IN (SELECT value FROM json_each(?))`,
  );
  const summary: ImportSummary = { rows: 0, imported: 0, alreadyPresent: 0, errors: [], errorCount: 0, seconds: 0 };
  const fail = (line: number, ref: string | null, message: string, rule: string | null = null) => {
    summary.errorCount++;
    if (summary.errors.length < maxErrors) summary.errors.push({ line, ref, message, ...(rule ? { rule } : {}) });
  };

  type StoredFirst = { reference: string; type: string; payload: string; occurredAt: string };
  let batch: Pending[] = [];
  const rollup = store.rollupWriter();
  const writeBatch = sqlite.transaction((rows: Pending[]) => {
    const stored = new Map(
      (storedFirst.all(JSON.stringify(rows.map((r) => r.ref))) as StoredFirst[]).map((x) => [x.reference, x]),
    );
    const earlier = new Map<string, Pending>();
    const recordedAt = deps.clock.now().toISOString();
    for (const row of rows) {
      // Already stored, or earlier in this batch: the same row is skipped; a different one is refused, never
      // overwritten.
      const before = stored.get(row.ref);
      const inBatch = earlier.get(row.ref);
      if (before || inBatch) {
        // An incident recorded live under this reference stands as it is: the row is skipped.
        const storedEvent =
          before?.type === 'INCIDENT_IMPORTED'
            ? (JSON.parse(before.payload) as Record<string, unknown> & { source?: { file: string } })
            : null;
        const differ = inBatch
          ? differingColumns(row, inBatch.body as unknown as Record<string, unknown>, inBatch.receivedAt)
          : storedEvent
            ? differingColumns(row, storedEvent, before!.occurredAt)
            : [];
        if (differ.length === 0) summary.alreadyPresent++;
        else {
          const from = inBatch
            ? `already on line ${inBatch.line} of this file`
            : `already imported (from ${storedEvent!.source?.file ?? 'an earlier extract'})`;
          fail(row.line, row.ref, `${from} with a different ${differ.join(', ')}; imported history is not overwritten`);
        }
        continue;
      }
      const event = {
        ...row.body,
        incidentId: timeOrderedId(row.receivedAt),
        source: { file: source, line: row.line },
        seq: 1,
        occurredAt: row.receivedAt,
        recordedAt,
        actor,
      } as AggregateEvent;
      const r = applyToAggregate(emptyAggregate(), event);
      if (!r.ok) {
        fail(row.line, row.ref, r.violation.message, r.violation.rule);
        continue;
      }
      earlier.set(row.ref, row);
      store.append(r.state.incident.context.incidentId, event, null);
      store.writeProjection(null, project(r.state), rollup);
      summary.imported++;
    }
    rollup.flush();
  });
  const flush = () => {
    if (batch.length === 0) return;
    writeBatch.immediate(batch);
    batch = [];
    opts.onBatch?.({ rows: summary.rows, imported: summary.imported });
  };

  const parser = input.pipe(
    parse({ skip_empty_lines: true, bom: true, info: true, relax_column_count: true, skip_records_with_error: true }),
  );
  parser.on('skip', (err: Error & { lines?: number }) => {
    summary.rows++;
    fail(err.lines ?? 0, null, `not readable as CSV: ${err.message}`);
  });
  let header: string[] | null = null;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    const line = info.lines;
    if (header === null) {
      const h = headerSchema.safeParse(record.map((c) => c.trim()));
      if (!h.success)
        throw new ImportHeaderError(
          `line ${line}: the header is not one this importer ` +
            `understands:\n${h.error.issues.map((i) => `  - ${i.message}`).join('\n')}`,
        );
      header = h.data;
      continue;
    }
    summary.rows++;
    try {
      if (record.length !== header.length)
        throw new RowError(`the row has ${record.length} fields but the header has ${header.length}`);
      const row: Record<string, string> = {};
      for (let i = 0; i < header.length; i++) row[header[i]!] = record[i]!;
      const { ref, receivedAt, body } = read(row);
      batch.push({ line, ref, receivedAt, body });
    } catch (e) {
      if (!(e instanceof RowError)) throw e;
      const refAt = header.indexOf('incident_ref');
      fail(line, (record[refAt] ?? '').trim() || null, e.message, e.rule);
    }
    if (batch.length >= batchSize) flush();
  }
  flush();
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}

export function importCsvFile(deps: CommandDeps, path: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  return importCsvStream(deps, createReadStream(path), { source: basename(path), ...opts });
}

export function importCsvText(deps: CommandDeps, text: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  return importCsvStream(deps, Readable.from([text]), opts);
}
