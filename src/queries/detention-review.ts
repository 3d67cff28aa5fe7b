/**
 * The legal timeline of one detention as the MH lead reviews it (issue 14): step by step in the
 * order the law takes it — consideration and consultation, the decision to detain, conveyance, each
 * place of safety with its handover, the clock (start, extensions, expiry), the assessment, the
 * outcome, the ADR record — each step with who recorded it, when it happened and when it was
 * recorded, and beside it the rules it was checked against with the result:
 *
 * - passed: the record meets the rule;
 * - flagged: the rule's alert was raised (a late handover, no ambulance requested, a lapse …);
 * - notRecorded: the fact the rule needs is not on the record (yet).
 *
 * Refusing rules (R16–R19, R21, R22, R24, R25, R27–R29, R32, R33, R36) cannot fail on a stored
 * record: the command path refused any event that broke them. For them a recorded fact is "passed"
 * and a missing one "not recorded". Built from the detention's read model (queries/detentions.ts).
 */
import { MINUTE_MS } from '../../machines/kit.js';
import {
  CONSULTEE_LABEL,
  CONVEYANCE_LABEL,
  LOCATION_LABEL,
  labelOf,
  OUTCOME_LABEL,
  PLACE_TYPE_LABEL,
  POLICE_VEHICLE_REASON_LABEL,
} from '../domain/detention-labels.js';
import { DETENTION_RULE_TITLES, type DetentionRule } from '../domain/rule-titles.js';
import type { Db } from '../../db/client.js';
import { detentionFindings } from './detention-findings.js';
import { detentionDetail } from './detentions.js';
import type { TimelineEntry } from './timeline.js';

export type DetentionDetail = NonNullable<ReturnType<typeof detentionDetail>>;

export const CHECK_RESULTS = ['passed', 'flagged', 'notRecorded'] as const;
export type CheckResult = (typeof CHECK_RESULTS)[number];

export interface RuleCheck {
  rule: DetentionRule;
  title: string;
  result: CheckResult;
  detail: string;
}

/** The phases of a detention in the order the law takes them; steps are grouped by phase. */
export const REVIEW_PHASES = [
  'decision',
  'conveyance',
  'placeOfSafety',
  'clock',
  'assessment',
  'outcome',
  'record',
] as const;
export type ReviewPhase = (typeof REVIEW_PHASES)[number];
export const PHASE_LABEL: Record<ReviewPhase, string> = {
  decision: 'Consultation and the decision to detain',
  conveyance: 'Conveyance',
  placeOfSafety: 'Places of safety and handover',
  clock: 'The permitted period (clock and extensions)',
  assessment: 'Mental Health Act assessment',
  outcome: 'Outcome',
  record: 'ADR record and closure',
};

export interface ReviewStep {
  /** Stable within the detention: the event's seq, or a name for a derived or missing step. */
  key: string;
  phase: ReviewPhase;
  label: string;
  occurredAt: string | null;
  recordedAt: string | null;
  /** Who recorded the fact; null for a derived step with no single record, or a fact not recorded. */
  recordedBy: { name: string; role: string } | null;
  /** recordedAt − occurredAt in whole minutes (how late the fact was written down). */
  recordedAfterMinutes: number | null;
  facts: string[];
  checks: RuleCheck[];
}

export interface LegalReview {
  steps: ReviewStep[];
  /** Each rule's overall result: flagged if any step flagged it, else not recorded if a step lacks it, else passed. */
  rules: Array<{ rule: DetentionRule; title: string; result: CheckResult }>;
}

/** How a moment reads in a step: "26 Mar 2026, 02:10 GMT" in the force's time zone. */
type When = (iso: string) => string;
function when(timeZone: string): When {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  return (iso) => f.format(new Date(iso));
}

const BASIS: Record<string, string> = {
  arrivalAtPlaceOfSafety: 'arrival at the first place of safety',
  decisionToKeep: 'the decision to keep the person where they were',
  entryToPremises: 'first entry to the premises',
};
/** What started the clock, in words. */
export const basisText = (b: string | null) => (b ? (BASIS[b] ?? b) : 'not recorded');

/** "15 h 31 min", "45 min". */
const hoursAndMinutes = (m: number) => (m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`);

const check = (rule: DetentionRule, result: CheckResult, detail: string): RuleCheck => ({
  rule,
  title: DETENTION_RULE_TITLES[rule],
  result,
  detail,
});

const minutes = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / MINUTE_MS);
const yes = (b: boolean | null | undefined) => (b ? 'yes' : 'no');

function fromEntry(e: TimelineEntry, phase: ReviewPhase, label: string): ReviewStep {
  return {
    key: `event:${e.seq}`,
    phase,
    label,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    recordedBy: e.actor.role === 'system' ? { name: 'the system (deadline sweep)', role: 'system' } : e.actor,
    recordedAfterMinutes: Math.max(0, minutes(e.occurredAt, e.recordedAt)),
    facts: [],
    checks: [],
  };
}

function missing(key: string, phase: ReviewPhase, label: string, checks: RuleCheck[]): ReviewStep {
  return {
    key,
    phase,
    label,
    occurredAt: null,
    recordedAt: null,
    recordedBy: null,
    recordedAfterMinutes: null,
    facts: [],
    checks,
  };
}

/** The detention's flags by the key the detention machine gave them (R35:handover:<stay seq> …). */
type Flags = DetentionDetail['flags'];
const flagged = (flags: Flags, test: (key: string) => boolean) => flags.filter((f) => test(f.key));

/** The review page's read: the detention, its legal timeline with each rule's result, and the findings. */
export function detentionReview(db: Db, now: Date, id: string, timeZone: string) {
  const detention = detentionDetail(db, now, id);
  if (!detention) return null;
  return { detention, ...legalReview(detention, timeZone), findings: detentionFindings(db, id) };
}

export type DetentionReview = NonNullable<ReturnType<typeof detentionReview>>;

export function legalReview(d: DetentionDetail, timeZone: string): LegalReview {
  const t = when(timeZone);
  const entries = d.timeline;
  const steps: ReviewStep[] = [];
  const isS136 = d.power === 's136';
  const detainEvent = entries.find((e) => e.type === 'S136_DETAINED' || e.type === 'S135_WARRANT_EXECUTED');

  // --- Consideration, consultation and the decision to detain -----------------------------------
  for (const e of entries) {
    if (e.type === 'S136_CONSIDERED') {
      const s = fromEntry(e, 'decision', 's.136 considered');
      s.facts.push(`Officer: ${e.data.officer?.name ?? 'not recorded'}`);
      steps.push(s);
    }
    if (e.type === 'S136_CONSULTATION_RECORDED') {
      const s = fromEntry(e, 'decision', 'Consultation');
      if (e.data.practicable) {
        s.facts.push(`Consulted: ${labelOf(CONSULTEE_LABEL, e.data.profession)}`);
        if (e.data.advice) s.facts.push(`Advice: ${e.data.advice}`);
      } else s.facts.push(`Consultation not practicable: ${e.data.notPracticableReason}`);
      const before = !detainEvent || e.occurredAt <= detainEvent.occurredAt;
      s.checks.push(
        check(
          'R19',
          'passed',
          e.data.practicable
            ? `a ${labelOf(CONSULTEE_LABEL, e.data.profession)} was consulted${before ? ' before the decision' : ''}`
            : 'consultation was not practicable and the reason is recorded',
        ),
      );
      steps.push(s);
    }
    if (e.type === 'S136_NOT_DETAINED') {
      const s = fromEntry(e, 'decision', 's.136 not used');
      s.facts.push(`Reason: ${e.data.reason}`);
      steps.push(s);
    }
  }
  if (isS136 && detainEvent && !entries.some((e) => e.type === 'S136_CONSULTATION_RECORDED'))
    steps.push(
      missing('consultation', 'decision', 'Consultation', [
        check('R19', 'notRecorded', 'no consultation, and no reason it was not practicable, is recorded'),
      ]),
    );

  if (detainEvent) steps.push(decisionStep(detainEvent, d, t));
  else if (d.status !== 'notDetained')
    steps.push(
      missing('decision', 'decision', 'Decision to detain', [
        check('R18', 'notRecorded', 'no decision to detain is recorded yet'),
      ]),
    );
  if (!detainEvent) return summarise(steps);

  // --- Conveyance -----------------------------------------------------------------------------------
  const conveyance = entries.find((e) => e.type === 'S136_CONVEYANCE_RECORDED');
  if (conveyance) steps.push(conveyanceStep(conveyance, d, t));
  else if (detainEvent.data.mode === 'removed')
    steps.push(
      missing('conveyance', 'conveyance', 'Conveyance', [
        check('R33', 'notRecorded', 'how the person was conveyed is not recorded'),
      ]),
    );

  // --- Places of safety, transfers, welfare checks and the handover -----------------------------------
  steps.push(...placeSteps(entries, d, t));

  // --- The clock --------------------------------------------------------------------------------------
  steps.push(...clockSteps(entries, d, detainEvent, t));

  // --- Assessment -------------------------------------------------------------------------------------
  steps.push(...assessmentSteps(entries, d, t));

  // --- Outcome ----------------------------------------------------------------------------------------
  steps.push(...outcomeSteps(entries, d, t));

  // --- ADR record and closure -------------------------------------------------------------------------
  steps.push(...recordSteps(entries, d));
  return summarise(steps);
}

function decisionStep(e: TimelineEntry, d: DetentionDetail, t: When): ReviewStep {
  const warrant = e.type === 'S135_WARRANT_EXECUTED';
  const s = fromEntry(e, 'decision', warrant ? 's.135 warrant executed' : 'Decision to detain under s.136');
  const o = e.data.officer ?? {};
  s.facts.push(`Officer: ${o.name ?? 'not recorded'} (${o.rank ?? o.role ?? 'role not recorded'})`);
  s.facts.push(e.data.mode === 'kept' ? 'Kept at a place of safety' : 'Removed to a place of safety');
  if (warrant) {
    const w = e.data.warrant ?? {};
    s.facts.push(`Warrant ${w.reference}, ${w.court}`);
    if (w.amhpName) s.facts.push(`AMHP: ${w.amhpName}; doctor: ${w.doctorName ?? 'not recorded'}`);
    s.checks.push(check('R32', 'passed', 'the warrant reference, court and accompanying professionals are recorded'));
  } else {
    s.facts.push(`Where: ${labelOf(LOCATION_LABEL, e.data.locationType)}`);
    if (e.data.grounds) s.facts.push(`Grounds: ${e.data.grounds}`);
    s.checks.push(
      check('R16', 'passed', `the power was used in a ${labelOf(LOCATION_LABEL, e.data.locationType)}, not a dwelling`),
    );
  }
  s.checks.push(check('R17', 'passed', `the detaining officer is recorded as a ${o.role ?? 'constable'}`));
  if (!warrant) {
    s.checks.push(check('R18', 'passed', 'all three statutory criteria are recorded as met, with the grounds'));
    const consultation = d.consultations[0];
    if (consultation)
      s.checks.push(check('R19', 'passed', `the consultation (${t(consultation.at)}) comes before the decision`));
  }
  return s;
}

function conveyanceStep(e: TimelineEntry, d: DetentionDetail, t: When): ReviewStep {
  const s = fromEntry(e, 'conveyance', 'Conveyance');
  s.facts.push(`Method: ${labelOf(CONVEYANCE_LABEL, e.data.method)}`);
  if (e.data.method === 'policeVehicle') {
    s.facts.push(`Ambulance requested: ${yes(e.data.ambulanceRequested)}`);
    if (e.data.ambulanceRequestedAt)
      s.facts.push(
        `Ambulance requested at ${t(e.data.ambulanceRequestedAt)}, ` +
          `ETA ${e.data.ambulanceEta ? t(e.data.ambulanceEta) : 'none given'}`,
      );
    s.facts.push(`Why a police vehicle: ${labelOf(POLICE_VEHICLE_REASON_LABEL, e.data.policeVehicleReason)}`);
  }
  s.checks.push(
    check(
      'R33',
      'passed',
      e.data.method === 'policeVehicle'
        ? 'police vehicle, with whether an ambulance was requested and why a police vehicle was used'
        : `conveyed by ${labelOf(CONVEYANCE_LABEL, e.data.method)}`,
    ),
  );
  if (d.power === 's136') {
    const r34 = flagged(d.flags, (k) => k === 'R34');
    s.checks.push(
      r34.length
        ? check('R34', 'flagged', 'conveyed in a police vehicle with no ambulance requested')
        : check(
            'R34',
            'passed',
            e.data.method === 'policeVehicle' ? 'an ambulance was requested' : 'not a police vehicle',
          ),
    );
  }
  return s;
}

/** The events that begin a stay at a place of safety (as the detention machine's reducer creates them). */
const beginsStay = (e: TimelineEntry) =>
  e.type === 'S136_ARRIVED_AT_PLACE_OF_SAFETY' ||
  e.type === 'S136_TRANSFERRED' ||
  ((e.type === 'S136_DETAINED' || e.type === 'S135_WARRANT_EXECUTED') &&
    e.data.mode === 'kept' &&
    !!e.data.placeOfSafety);

function placeSteps(entries: TimelineEntry[], d: DetentionDetail, t: When): ReviewStep[] {
  const out: ReviewStep[] = [];
  const staySeqs = entries.filter(beginsStay).map((e) => e.seq);
  const stayOf = (seq: number) => staySeqs.filter((s) => s <= seq).pop() ?? null;
  const r26ForStay = (staySeq: number) =>
    flagged(d.flags, (k) => k.startsWith('R26:')).filter((f) => stayOf(Number(f.key.split(':').pop())) === staySeq);

  staySeqs.forEach((seq, i) => {
    const e = entries.find((x) => x.seq === seq)!;
    const stay = d.stays[i];
    const place = e.data.placeOfSafety ?? {};
    const name = place.site ? place.label : labelOf(PLACE_TYPE_LABEL, place.type);
    const label =
      e.type === 'S136_TRANSFERRED'
        ? `Transferred to ${name}`
        : e.type === 'S136_ARRIVED_AT_PLACE_OF_SAFETY'
          ? `Arrived at ${name}`
          : `Kept at ${name}`;
    const s = fromEntry(e, 'placeOfSafety', label);
    s.facts.push(`Kind of place: ${labelOf(PLACE_TYPE_LABEL, place.type)}`);
    if (e.type === 'S136_TRANSFERRED') {
      s.facts.push(
        `Transfer by ${e.data.byName} (${e.data.by}); police accompanying: ${yes(e.data.policeAccompanying)}`,
      );
      s.checks.push(
        check('R22', 'passed', `the transfer records by whom; the clock start (${t(d.clockStart!)}) is unchanged`),
      );
    } else if (i === 0 && d.clockStart) {
      s.checks.push(check('R21', 'passed', `the clock started at ${t(d.clockStart)}, on ${basisText(d.clockBasis)}`));
    }
    if (place.type === 'policeStation') {
      const ps = place.policeStation ?? {};
      s.facts.push(`No other place because: ${ps.noOtherPlaceReason ?? 'not recorded'}`);
      s.facts.push(
        `Decided by ${ps.decisionMaker?.name} (${ps.decisionMaker?.rank})` +
          (ps.authorisation ? `, authorised by ${ps.authorisation.name} (${ps.authorisation.rank})` : ''),
      );
      s.checks.push(check('R24', 'passed', 'the person was an adult at the time'));
      s.checks.push(
        check('R25', 'passed', 'imminent risk, no other place, healthcare presence and authorisation recorded'),
      );
      const alerts = r26ForStay(seq);
      const times = [
        e.occurredAt,
        ...entries
          .filter((x) => x.type === 'S136_HEALTHCARE_CHECK_RECORDED' && stayOf(x.seq) === seq)
          .map((x) => x.occurredAt),
      ];
      const limit = d.limits.healthcareCheckMinutes;
      const long = times.slice(1).filter((t, i) => minutes(times[i]!, t) > limit).length;
      const checks = times.length - 1;
      s.checks.push(
        alerts.length || long
          ? check(
              'R26',
              'flagged',
              [
                ...alerts.map((g) => g.message),
                ...(long ? [`${long} gap(s) of more than ${limit} min between checks`] : []),
              ].join('; '),
            )
          : check(
              'R26',
              'passed',
              `${checks} healthcare check${checks === 1 ? '' : 's'}, none more than ${limit} min apart`,
            ),
      );
    }
    if (place.type === 'privateDwelling' || place.type === 'otherSuitablePlace')
      s.checks.push(check('R27', 'passed', 'the consents s.135(7) needs are recorded'));
    out.push(s);
    // What happened during the stay, in time order (facts not recorded last).
    const during = handoverSteps(entries, d, stay, seq, stayOf);
    out.push(...during.sort((a, b) => (a.occurredAt ?? '\uffff').localeCompare(b.occurredAt ?? '\uffff')));
  });
  return out;
}

function handoverSteps(
  entries: TimelineEntry[],
  d: DetentionDetail,
  stay: DetentionDetail['stays'][number] | undefined,
  staySeq: number,
  stayOf: (seq: number) => number | null,
): ReviewStep[] {
  const out: ReviewStep[] = [];
  const mine = (type: string) => entries.filter((x) => x.type === type && stayOf(x.seq) === staySeq);
  const applies = !!stay && stay.policeInAttendance && stay.handoverRuleApplies;
  const accepted = flagged(d.flags, (k) => k === `R35:handover:${staySeq}`);
  const departed = flagged(d.flags, (k) => k === `R35:departure:${staySeq}`);
  for (const e of mine('S136_EXTENDED_STAY_AGREED')) {
    const s = fromEntry(e, 'placeOfSafety', 'Extended police stay agreed with the NHS');
    s.facts.push(`Reason: ${e.data.reason}; NHS contact: ${e.data.nhsContact}`);
    s.checks.push(
      check('R35', 'passed', 'a mutually agreed extended stay is recorded with its reason and NHS contact'),
    );
    out.push(s);
  }
  let previous = stay?.arrivedAt ?? null;
  for (const e of mine('S136_HEALTHCARE_CHECK_RECORDED')) {
    const s = fromEntry(e, 'placeOfSafety', 'Healthcare welfare check');
    s.facts.push(`By ${e.data.professional}; professional present and available: ${yes(e.data.professionalPresent)}`);
    const gap = previous ? minutes(previous, e.occurredAt) : null;
    const absent = flagged(d.flags, (k) => k === `R26:notPresent:${e.seq}`)[0];
    const limit = d.limits.healthcareCheckMinutes;
    const since = gap === null ? '' : `${gap} min after the previous check or arrival`;
    s.checks.push(
      absent
        ? check('R26', 'flagged', absent.message)
        : gap !== null && gap > limit
          ? check('R26', 'flagged', `${since}: more than ${limit} min without a check`)
          : check('R26', 'passed', `a healthcare professional present${since ? `; ${since}` : ''}`),
    );
    previous = e.occurredAt;
    out.push(s);
  }
  const acceptance = mine('S136_NHS_ACCEPTED')[0];
  if (acceptance) {
    const s = fromEntry(acceptance, 'placeOfSafety', 'NHS accepted the person');
    s.facts.push(`Accepted by ${acceptance.data.acceptedBy}`);
    if (stay?.minutesToAcceptance !== null && stay?.minutesToAcceptance !== undefined)
      s.facts.push(`${stay.minutesToAcceptance} min after arrival`);
    if (applies)
      s.checks.push(
        accepted.length
          ? check('R35', 'flagged', accepted[0]!.message)
          : check('R35', 'passed', `accepted ${stay!.minutesToAcceptance} min after arrival`),
      );
    out.push(s);
  } else if (applies && stay?.place.type !== 'policeStation') {
    out.push(
      missing(`acceptance:${staySeq}`, 'placeOfSafety', 'NHS acceptance', [
        accepted.length
          ? check('R35', 'flagged', accepted[0]!.message)
          : check('R35', 'notRecorded', 'no NHS acceptance is recorded'),
      ]),
    );
  }
  const departure = mine('S136_POLICE_DEPARTED')[0];
  if (departure) {
    const s = fromEntry(departure, 'placeOfSafety', 'Police left the place of safety');
    if (stay?.minutesToDeparture !== null && stay?.minutesToDeparture !== undefined)
      s.facts.push(`${stay.minutesToDeparture} min after arrival`);
    if (applies)
      s.checks.push(
        departed.length
          ? check('R35', 'flagged', departed[0]!.message)
          : check(
              'R35',
              'passed',
              stay!.extendedStay
                ? `left ${stay!.minutesToDeparture} min after arrival, within an agreed extended stay`
                : `left ${stay!.minutesToDeparture} min after arrival`,
            ),
      );
    out.push(s);
  } else if (applies && acceptance) {
    out.push(
      missing(`departure:${staySeq}`, 'placeOfSafety', 'Police departure', [
        check('R35', 'notRecorded', 'when police left is not recorded'),
      ]),
    );
  }
  for (const e of entries.filter((x) => x.type === 'DEADLINE_REACHED' && stayOf(x.seq) === staySeq)) {
    const key = deadlineKey(e);
    if (!key.startsWith('R35:') && !key.startsWith('R26:')) continue;
    const s = fromEntry(
      e,
      'placeOfSafety',
      key.startsWith('R35:') ? 'Handover clock ran out' : 'Welfare check overdue',
    );
    const f = d.flags.find((x) => x.key === key);
    s.checks.push(check(key.startsWith('R35:') ? 'R35' : 'R26', 'flagged', f?.message ?? key));
    out.push(s);
  }
  return out;
}

/** The detention's own key of a DEADLINE_REACHED (stored as detention:<id>:<key>). */
const deadlineKey = (e: TimelineEntry): string => String(e.data.deadlineKey ?? '').replace(/^detention:[^:]+:/, '');

function clockSteps(entries: TimelineEntry[], d: DetentionDetail, detainEvent: TimelineEntry, t: When): ReviewStep[] {
  const out: ReviewStep[] = [];
  if (!d.clockStart) {
    out.push(
      missing('clockStart', 'clock', 'Clock start', [
        check('R21', 'notRecorded', 'the person has not arrived at a place of safety, so no clock runs'),
      ]),
    );
    return out;
  }
  const setBy =
    d.clockBasis === 'arrivalAtPlaceOfSafety'
      ? entries.find((e) => e.type === 'S136_ARRIVED_AT_PLACE_OF_SAFETY')
      : detainEvent;
  const start: ReviewStep = {
    ...(setBy ? fromEntry(setBy, 'clock', 'Clock started') : missing('clockStart', 'clock', 'Clock started', [])),
    key: 'clockStart',
    occurredAt: d.clockStart,
  };
  start.facts.push(`Started on ${basisText(d.clockBasis)}; the 24 hours end ${t(d.clock.baseExpiresAt!)}`);
  start.checks.push(check('R21', 'passed', `set once, at ${t(d.clockStart)}`));
  out.push(start);
  for (const e of entries.filter((x) => x.type === 'S136_EXTENSION_AUTHORISED')) {
    const s = fromEntry(e, 'clock', `Extension of ${e.data.hours} h authorised`);
    s.facts.push(`By ${e.data.authoriser?.name} (registered medical practitioner); ground: the person's condition`);
    if (e.data.reason) s.facts.push(`Why: ${e.data.reason}`);
    s.checks.push(
      check(
        'R28',
        'passed',
        `authorised before the 24 hours ended (${t(d.clock.baseExpiresAt!)}), within the 12-hour cap`,
      ),
    );
    if (e.data.superintendentApproval)
      s.checks.push(
        check(
          'R29',
          'passed',
          `approved by ${e.data.superintendentApproval.name} (${e.data.superintendentApproval.rank})`,
        ),
      );
    out.push(s);
  }
  for (const e of entries.filter((x) => x.type === 'DEADLINE_REACHED' && deadlineKey(x).startsWith('R23:'))) {
    const key = deadlineKey(e);
    const lapse = key.includes(':expiry:');
    const s = fromEntry(e, 'clock', lapse ? 'Detention authority lapsed' : 'Clock warning');
    const f = d.flags.find((x) => x.key === key);
    s.facts.push(f?.message ?? key);
    if (lapse) s.checks.push(check('R23', 'flagged', 'the permitted period expired with no outcome recorded'));
    out.push(s);
  }
  const ended = d.endedAt;
  const lapsed = d.clock.lapsedAt !== null || d.outcome === 'lapsed';
  const expiry: ReviewStep = { ...missing('expiry', 'clock', 'Permitted period ends', []), occurredAt: d.expiresAt };
  expiry.facts.push(
    `24 hours from the clock start${d.extensionHours ? ` plus ${d.extensionHours} h of extension` : ''}: ` +
      `${t(d.expiresAt!)}`,
  );
  expiry.checks.push(
    lapsed
      ? check('R23', 'flagged', `the detention lapsed at ${t(d.expiresAt!)} with no outcome`)
      : ended
        ? check(
            'R23',
            'passed',
            `the outcome (${t(ended)}) came ${hoursAndMinutes(minutes(ended, d.expiresAt!))} before expiry`,
          )
        : check('R23', 'notRecorded', 'no outcome is recorded yet'),
  );
  out.push(expiry);
  return out;
}

function assessmentSteps(entries: TimelineEntry[], d: DetentionDetail, t: When): ReviewStep[] {
  const out: ReviewStep[] = [];
  const late = flagged(d.flags, (k) => k.startsWith('R37:'));
  const started = entries.find((e) => e.type === 'S136_ASSESSMENT_STARTED');
  const at = d.assessment.startedAt ?? d.assessment.doctorExaminedAt ?? d.assessment.amhpInterviewedAt;
  const r37 = () =>
    late.length
      ? check('R37', 'flagged', late[0]!.message)
      : check('R37', 'passed', `started ${minutes(d.clockStart!, at!)} min after the clock started, inside the period`);
  if (started) {
    const s = fromEntry(started, 'assessment', 'Assessment started');
    s.checks.push(r37());
    out.push(s);
  } else if (at && d.clockStart) {
    const s = missing('assessmentStart', 'assessment', 'Assessment started (from the examination times)', [r37()]);
    s.occurredAt = at;
    out.push(s);
  } else if (d.clockStart && !(d.outcome && ['arrestedForOffence', 'other', 'lapsed'].includes(d.outcome))) {
    out.push(
      missing('assessmentStart', 'assessment', 'Assessment started', [
        late.length ? check('R37', 'flagged', late[0]!.message) : check('R37', 'notRecorded', 'no assessment start'),
      ]),
    );
  }
  const facts = [
    d.assessment.doctorExaminedAt && `Doctor examined the person at ${t(d.assessment.doctorExaminedAt)}`,
    d.assessment.amhpInterviewedAt && `AMHP interviewed the person at ${t(d.assessment.amhpInterviewedAt)}`,
    d.assessment.endedAt && `Assessment ended at ${t(d.assessment.endedAt)}`,
  ].filter((x): x is string => !!x);
  if (facts.length) out[out.length - 1]?.facts.push(...facts);
  return out;
}

function outcomeSteps(entries: TimelineEntry[], d: DetentionDetail, t: When): ReviewStep[] {
  const out: ReviewStep[] = [];
  for (const e of entries.filter((x) => x.type === 'S136_RELEASED_BY_POLICE')) {
    const s = fromEntry(e, 'outcome', 'Released by police before an assessment outcome');
    s.facts.push(`Reason: ${e.data.reason}; reviewed by ${e.data.supervisor?.name} (${e.data.supervisor?.rank})`);
    s.checks.push(
      check('R31', 'flagged', 'released by police before an assessment outcome (supervisor review recorded)'),
    );
    out.push(s);
  }
  const outcome = entries.find((e) => e.type === 'S136_OUTCOME_RECORDED');
  if (outcome) {
    const s = fromEntry(outcome, 'outcome', `Outcome: ${labelOf(OUTCOME_LABEL, outcome.data.outcome)}`);
    if (outcome.data.application?.amhpApplicationAt)
      s.facts.push(
        `AMHP application at ${t(outcome.data.application.amhpApplicationAt)}, ` +
          `${outcome.data.application.medicalRecommendations} medical recommendation(s)`,
      );
    if (outcome.data.reportedByHealth) s.facts.push('Application details held by the NHS (reported by health)');
    if (outcome.data.note) s.facts.push(`Note: ${outcome.data.note}`);
    s.checks.push(check('R36', 'passed', 'an outcome is recorded with the times the law needs for it'));
    if (d.assessment.endedAt || d.assessment.doctorExaminedAt)
      s.checks.push(check('R37', 'passed', 'the assessment times lie inside the permitted period'));
    out.push(s);
  } else if (d.status !== 'notDetained') {
    out.push(missing('outcome', 'outcome', 'Outcome', [check('R36', 'notRecorded', 'no outcome is recorded yet')]));
  }
  return out;
}

function recordSteps(entries: TimelineEntry[], d: DetentionDetail): ReviewStep[] {
  const out: ReviewStep[] = [];
  for (const e of entries.filter((x) => x.type === 'S136_ADR_RECORDED')) {
    const s = fromEntry(e, 'record', 'ADR details recorded');
    const fields = Object.entries(e.data)
      .filter(([k, v]) => k !== 'detentionId' && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0))
      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    s.facts.push(...fields);
    s.checks.push(check('R45', 'passed', 'an amendment is a new event; the earlier record is kept'));
    out.push(s);
  }
  const closed = entries.find((e) => e.type === 'S136_CLOSED');
  const r42 = d.adr.complete
    ? check('R42', 'passed', 'every field the Home Office return needs is recorded')
    : check('R42', 'notRecorded', `missing: ${d.adr.missing.join(', ') || 'the detention is not yet recorded'}`);
  if (closed) {
    const s = fromEntry(closed, 'record', 'Detention record closed');
    s.checks.push(r42);
    out.push(s);
  } else out.push(missing('closed', 'record', 'Detention record closed', [r42]));
  return out;
}

/** Each rule's overall result across the steps, in rule order. */
function summarise(steps: ReviewStep[]): LegalReview {
  const by = new Map<DetentionRule, CheckResult>();
  const rank: Record<CheckResult, number> = { passed: 0, notRecorded: 1, flagged: 2 };
  for (const s of steps)
    for (const c of s.checks) {
      const was = by.get(c.rule);
      if (!was || rank[c.result] > rank[was]) by.set(c.rule, c.result);
    }
  const order = Object.keys(DETENTION_RULE_TITLES) as DetentionRule[];
  return {
    steps,
    rules: order
      .filter((r) => by.has(r))
      .map((rule) => ({ rule, title: DETENTION_RULE_TITLES[rule], result: by.get(rule)! })),
  };
}
