/**
 * The database, as drizzle tables. Two kinds of table:
 *  - truth: incident_events (append-only; triggers forbid UPDATE/DELETE), users, api_tokens,
 *    idempotency_keys, outbox (side effects already promised).
 *  - projections: incidents, incident_person_keys, referrals, deadlines, alerts — a pure function of
 *    the events, rebuilt by `rebuildProjections` and checked against the stored rows in tests.
 * Instants are ISO-8601 UTC text (lexically ordered); booleans are 0/1 integers.
 */

import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  role: text('role').notNull(),
  createdAt: text('created_at').notNull(),
  disabledAt: text('disabled_at'),
});

export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

export const incidentEvents = sqliteTable(
  'incident_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incidentId: text('incident_id').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    /** JSON of the event's fields other than the envelope (type, seq, times, actor). */
    payload: text('payload').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role').notNull(),
    occurredAt: text('occurred_at').notNull(),
    recordedAt: text('recorded_at').notNull(),
    machineVersion: text('machine_version').notNull(),
    idempotencyKey: text('idempotency_key'),
  },
  (t) => [
    uniqueIndex('incident_events_stream').on(t.incidentId, t.seq),
    index('incident_events_type').on(t.type, t.occurredAt),
  ],
);

export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    reference: text('reference').unique(),
    version: integer('version').notNull(),
    state: text('state').notNull(),
    status: text('status').notNull(),
    /** Canonical JSON of the aggregate (incident + child machines). */
    snapshot: text('snapshot').notNull(),
    channel: text('channel').notNull(),
    category: text('category').notNull(),
    grade: text('grade'),
    rcrpDecision: text('rcrp_decision'),
    district: text('district'),
    locationClass: text('location_class'),
    receivedAt: text('received_at').notNull(),
    firstDispatchedAt: text('first_dispatched_at'),
    noDeployAt: text('no_deploy_at'),
    closedAt: text('closed_at'),
    mhFlagAtCall: integer('mh_flag_at_call', { mode: 'boolean' }).notNull(),
    mhFlagAtClose: integer('mh_flag_at_close', { mode: 'boolean' }),
    /** Primary pseudonymous person key (HMAC); never an identifier. */
    personKey: text('person_key'),
    ageBand: text('age_band'),
    gender: text('gender'),
    ethnicity: text('ethnicity'),
    repeatContact: integer('repeat_contact', { mode: 'boolean' }).notNull(),
    thriveVersion: integer('thrive_version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('incidents_received').on(t.receivedAt, t.id),
    index('incidents_state').on(t.state, t.receivedAt),
    index('incidents_category').on(t.category, t.receivedAt),
    index('incidents_grade').on(t.grade, t.receivedAt),
    index('incidents_no_deploy').on(t.noDeployAt),
  ],
);

/** Every person key of an incident's subject (one per identifier given), for linking repeat contacts (R15). */
export const incidentPersonKeys = sqliteTable(
  'incident_person_keys',
  {
    personKey: text('person_key').notNull(),
    incidentId: text('incident_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personKey, t.incidentId] }), index('incident_person_keys_incident').on(t.incidentId)],
);

export const referrals = sqliteTable(
  'referrals',
  {
    id: text('id').notNull(),
    incidentId: text('incident_id').notNull(),
    agency: text('agency').notNull(),
    contactMethod: text('contact_method').notNull(),
    status: text('status').notNull(),
    madeAt: text('made_at').notNull(),
    answeredAt: text('answered_at'),
    answer: text('answer'),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.id] }), index('referrals_agency').on(t.agency, t.madeAt)],
);

/** Clocks the scheduler sweeps. Rows exist while the incident still needs them watched. */
export const deadlines = sqliteTable(
  'deadlines',
  {
    incidentId: text('incident_id').notNull(),
    key: text('key').notNull(),
    rule: text('rule').notNull(),
    kind: text('kind').notNull(),
    dueAt: text('due_at').notNull(),
    status: text('status').notNull(), // pending | fired
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.key] }), index('deadlines_due').on(t.status, t.dueAt)],
);

/** FLAG outcomes, one row per flag per incident (raised exactly once by construction). */
export const alerts = sqliteTable(
  'alerts',
  {
    id: text('id').primaryKey(), // `${incidentId}:${flagKey}`
    incidentId: text('incident_id').notNull(),
    rule: text('rule').notNull(),
    severity: text('severity').notNull(),
    message: text('message').notNull(),
    notify: text('notify'),
    raisedAt: text('raised_at').notNull(),
    eventSeq: integer('event_seq').notNull(),
  },
  (t) => [index('alerts_raised').on(t.raisedAt), index('alerts_incident').on(t.incidentId)],
);

/** A retried POST with the same key returns the first answer (scoped per user). */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    actorId: text('actor_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    body: text('body').notNull(),
    etag: text('etag'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.key] })],
);

/** Emails promised in the same transaction as the event that caused them (transactional outbox). */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull().unique(),
    kind: text('kind').notNull(),
    incidentId: text('incident_id'),
    recipient: text('recipient').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    status: text('status').notNull(), // pending | sending | sent | failed
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    messageId: text('message_id').notNull(),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt)],
);


// ---------------------------------------------------------------------------------------------
// The police time ledger and demand evidence (issue 5). Projections like the ones above: a pure
// function of each incident's events, rebuilt by `rebuildProjections`.
// ---------------------------------------------------------------------------------------------

/** One row per resource assignment (R38): times and derived officer-seconds. */
export const resourceAssignments = sqliteTable(
  'resource_assignments',
  {
    incidentId: text('incident_id').notNull(),
    id: text('id').notNull(),
    callSign: text('call_sign').notNull(),
    resourceType: text('resource_type').notNull(),
    officers: integer('officers').notNull(),
    status: text('status').notNull(), // dispatched | arrived | cleared
    dispatchedAt: text('dispatched_at').notNull(),
    arrivedAt: text('arrived_at'),
    clearedAt: text('cleared_at'),
    /** Derived: (clearedAt − dispatchedAt) in seconds × officers; null until cleared. */
    officerSeconds: integer('officer_seconds'),
    imported: integer('imported', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.id] }), index('resource_assignments_call_sign').on(t.callSign, t.dispatchedAt)],
);

/** One row per activity segment of an assignment (R39). */
export const resourceSegments = sqliteTable(
  'resource_segments',
  {
    incidentId: text('incident_id').notNull(),
    assignmentId: text('assignment_id').notNull(),
    idx: integer('idx').notNull(),
    activity: text('activity').notNull(),
    startAt: text('start_at').notNull(),
    endAt: text('end_at').notNull(),
    /** Derived: (endAt − startAt) in seconds × officers on the resource. */
    officerSeconds: integer('officer_seconds').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.assignmentId, t.idx] })],
);

/**
 * The measures every incident contributes to the demand report (definitions in
 * src/reports/definitions.ts). All integers (counts, seconds), so sums are exact and a rebuild
 * reproduces the rollup byte for byte.
 */
const incidentMeasures = () => ({
  incidents: integer('incidents').notNull(),
  mhFlagAtCall: integer('mh_flag_at_call').notNull(),
  mhFlagAtClose: integer('mh_flag_at_close').notNull(),
  closeFlagKnown: integer('close_flag_known').notNull(),
  flagsAgree: integer('flags_agree').notNull(),
  flaggedAtCallOnly: integer('flagged_at_call_only').notNull(),
  flaggedAtCloseOnly: integer('flagged_at_close_only').notNull(),
  closed: integer('closed').notNull(),
  imported: integer('imported').notNull(),
  mhRelated: integer('mh_related').notNull(),
  rcrpScope: integer('rcrp_scope').notNull(),
  decisionDeploy: integer('decision_deploy').notNull(),
  decisionJoint: integer('decision_joint').notNull(),
  decisionHandover: integer('decision_handover').notNull(),
  decisionAdvice: integer('decision_advice').notNull(),
  decisionNone: integer('decision_none').notNull(),
  repeatAfterNoDeploy: integer('repeat_after_no_deploy').notNull(),
  withPolice: integer('with_police').notNull(),
  assignments: integer('assignments').notNull(),
  assignmentsOpen: integer('assignments_open').notNull(),
  officerSeconds: integer('officer_seconds').notNull(),
  osTravel: integer('os_travel').notNull(),
  osScene: integer('os_scene').notNull(),
  osConveyance: integer('os_conveyance').notNull(),
  osWaitingEd: integer('os_waiting_ed').notNull(),
  osWaitingHbpos: integer('os_waiting_hbpos').notNull(),
  osCustody: integer('os_custody').notNull(),
  osOther: integer('os_other').notNull(),
  callsHandled: integer('calls_handled').notNull(),
  callSeconds: integer('call_seconds').notNull(),
  handedToPartner: integer('handed_to_partner').notNull(),
  releasedIncidents: integer('released_incidents').notNull(),
  releasedOfficerSeconds: integer('released_officer_seconds').notNull(),
});

const referralMeasures = () => ({
  referrals: integer('referrals').notNull(),
  accepted: integer('accepted').notNull(),
  declined: integer('declined').notNull(),
  noResponse: integer('no_response').notNull(),
  pending: integer('pending').notNull(),
  answered: integer('answered').notNull(),
  answerSeconds: integer('answer_seconds').notNull(),
  answeredWithin1h: integer('answered_within_1h').notNull(),
  answeredWithin4h: integer('answered_within_4h').notNull(),
  answeredWithin24h: integer('answered_within_24h').notNull(),
});

/** One row per incident: its dimensions (local day, district, category, first agency) and measures. */
export const incidentLedger = sqliteTable(
  'incident_ledger',
  {
    incidentId: text('incident_id').primaryKey(),
    receivedAt: text('received_at').notNull(),
    /** The force-local calendar date the call was received (Europe/London by default). */
    day: text('day').notNull(),
    district: text('district').notNull(), // '(none)' when not recorded
    category: text('category').notNull(),
    /** Agency of the incident's first referral, '(none)' without one. */
    agency: text('agency').notNull(),
    ...incidentMeasures(),
  },
  (t) => [index('incident_ledger_day').on(t.day)],
);

/** One row per referral on an MH-related incident, with the incident's dimensions. */
export const referralLedger = sqliteTable(
  'referral_ledger',
  {
    incidentId: text('incident_id').notNull(),
    referralId: text('referral_id').notNull(),
    day: text('day').notNull(),
    district: text('district').notNull(),
    category: text('category').notNull(),
    /** The referral's own agency. */
    agency: text('agency').notNull(),
    ...referralMeasures(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.referralId] }), index('referral_ledger_day').on(t.day)],
);

/**
 * Sums of incident_ledger by (dimension, day, value), for each dimension a report can group by:
 * 'all' (value 'all'), 'district', 'category', 'agency'. Maintained with the ledger (same
 * transaction); equal to `GROUP BY` over incident_ledger at all times (tested).
 */
export const demandRollup = sqliteTable(
  'demand_rollup',
  {
    dim: text('dim').notNull(),
    day: text('day').notNull(),
    grp: text('grp').notNull(),
    ...incidentMeasures(),
  },
  (t) => [primaryKey({ columns: [t.dim, t.day, t.grp] })],
);

/** Sums of referral_ledger by (dimension, day, value); 'agency' is the referral's own agency. */
export const referralRollup = sqliteTable(
  'referral_rollup',
  {
    dim: text('dim').notNull(),
    day: text('day').notNull(),
    grp: text('grp').notNull(),
    ...referralMeasures(),
  },
  (t) => [primaryKey({ columns: [t.dim, t.day, t.grp] })],
);

/**
 * MH-related incidents about an identified person, for repeat demand (R41): `person` is 52 bits of
 * the primary pseudonymous key as an integer (compact to index; never shown). `rank` (1 = the
 * person's first contact, by time) and `prevS` (the time of the contact before) are kept in step
 * for the person's contacts whenever one of them changes (same transaction; a rebuild computes the
 * same), so the report finds repeat demand without a window over every contact.
 */
export const personContacts = sqliteTable(
  'person_contacts',
  {
    person: integer('person').notNull(),
    receivedAt: text('received_at').notNull(),
    incidentId: text('incident_id').notNull(),
    day: text('day').notNull(),
    /** receivedAt as Unix seconds. */
    receivedS: integer('received_s').notNull(),
    officerSeconds: integer('officer_seconds').notNull(),
    rank: integer('rank').notNull(),
    prevS: integer('prev_s'),
  },
  (t) => [
    primaryKey({ columns: [t.person, t.receivedAt, t.incidentId] }),
    index('person_contacts_incident').on(t.incidentId),
    index('person_contacts_rank').on(t.person, t.rank, t.receivedS),
    index('person_contacts_repeat').on(t.rank, t.receivedS, t.person),
    index('person_contacts_period').on(t.receivedS, t.prevS, t.officerSeconds),
  ],
);

/** Monthly totals of ALL incidents in command and control (the denominator for "share of all incidents"). */
export const incidentVolumes = sqliteTable(
  'incident_volumes',
  {
    month: text('month').notNull(), // YYYY-MM, force-local
    district: text('district').notNull(), // '(all)' for the force-wide total
    allIncidents: integer('all_incidents').notNull(),
    source: text('source').notNull(),
    recordedAt: text('recorded_at').notNull(),
    recordedBy: text('recorded_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.district] })],
);

/** Every view of a report, evidence pack or high-intensity marker (R41, R44): who, what, when. */
export const accessAudit = sqliteTable(
  'access_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    action: text('action').notNull(),
    /** Query parameters (never personal data). */
    params: text('params').notNull(),
    /** The incident looked at, for an incident-level view (the high-intensity marker). */
    incidentId: text('incident_id'),
    outcome: text('outcome').notNull(), // shown | refused
  },
  (t) => [index('access_audit_at').on(t.at)],
);
