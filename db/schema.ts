/**
 * The database, as drizzle tables. Two kinds of table:
 *  - truth: incident_events (append-only; triggers forbid UPDATE/DELETE), users, api_tokens,
 *    idempotency_keys, outbox (side effects already promised).
 *  - projections: incidents, incident_person_keys, referrals, referral_escalations, deadlines, alerts —
 *    a pure function of the events, rebuilt by `rebuildProjections` and checked against the stored
 *    rows in tests.
 *  - records kept beside the events: alert_actions (acknowledgements and escalations, append-only).
 *  - reference data: agencies (the partner directory admins edit and Open Referral UK imports fill)
 *    and agency_changes (append-only history of every directory change).
 * Instants are ISO-8601 UTC text (lexically ordered); booleans are 0/1 integers.
 */

import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    role: text('role').notNull(),
    createdAt: text('created_at').notNull(),
    disabledAt: text('disabled_at'),
    /** For a user who signs in with OpenID Connect: the identity provider and its subject (`sub`). */
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
  },
  (t) => [uniqueIndex('users_oidc_subject').on(t.oidcIssuer, t.oidcSubject)],
);

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
    /** The token stops working at this instant (access.tokenLifetimeDays after it was issued). */
    expiresAt: text('expires_at'),
    /** When it last authenticated a request (to the minute or so: not rewritten on every request). */
    lastUsedAt: text('last_used_at'),
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
    /** The seq of the incident's last event: the event log's order. */
    version: integer('version').notNull(),
    /**
     * The version people see (the API's `version`, ETag and If-Match): advanced only by a person's or a
     * partner's event, never by the system's own (a deadline reached, an email sent).
     */
    personVersion: integer('person_version').notNull().default(0),
    state: text('state').notNull(),
    status: text('status').notNull(),
    /**
     * Canonical JSON of the aggregate (incident + child machines): a cache of the replayed event
     * log. Null for imported history (one event, closed, read rarely): it is replayed on load.
     */
    snapshot: text('snapshot'),
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
  (t) => [
    primaryKey({ columns: [t.personKey, t.incidentId] }),
    index('incident_person_keys_incident').on(t.incidentId),
  ],
);

/** One row per referral (the handover audit reads it): who was asked, when, what they answered, what happened next. */
export const referrals = sqliteTable(
  'referrals',
  {
    id: text('id').notNull(),
    incidentId: text('incident_id').notNull(),
    agency: text('agency').notNull(),
    contactMethod: text('contact_method').notNull(),
    /** R11 acceptance status: pending | accepted | declined | noResponse | resolved | withdrawn. */
    status: text('status').notNull(),
    madeAt: text('made_at').notNull(),
    answeredAt: text('answered_at'),
    answer: text('answer'),
    /** The referral machine's state (drafted, sent, acknowledged, escalated …). */
    state: text('state'),
    agencyLabel: text('agency_label'),
    agencyType: text('agency_type'),
    delivery: text('delivery'),
    /** The address the referral email went to (when emailed). */
    recipient: text('recipient'),
    namedContact: text('named_contact'),
    madeBy: text('made_by'),
    sentAt: text('sent_at'),
    acknowledgedAt: text('acknowledged_at'),
    /** 'partner' when answered through the response link, else the role that recorded it. */
    answeredVia: text('answered_via'),
    reason: text('reason'),
    noResponseAt: text('no_response_at'),
    noResponseCause: text('no_response_cause'),
    escalationLevel: integer('escalation_level'),
    resolvedAt: text('resolved_at'),
    resolution: text('resolution'),
    withdrawnAt: text('withdrawn_at'),
    callerInformedAt: text('caller_informed_at'),
    callerToldWhoWillAttend: text('caller_told_who_will_attend'),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.id] }),
    index('referrals_agency').on(t.agency, t.madeAt),
    index('referrals_made').on(t.madeAt),
  ],
);

/** Every escalation level a referral reached (R13, R45): level, who, when, why and the outcome. */
export const referralEscalations = sqliteTable(
  'referral_escalations',
  {
    incidentId: text('incident_id').notNull(),
    referralId: text('referral_id').notNull(),
    level: integer('level').notNull(),
    label: text('label').notNull(),
    notify: text('notify').notNull(),
    reason: text('reason').notNull(),
    openedAt: text('opened_at').notNull(),
    openedBy: text('opened_by').notNull(),
    escalatedByName: text('escalated_by_name'),
    escalatedByRank: text('escalated_by_rank'),
    partnerContact: text('partner_contact'),
    note: text('note'),
    closedAt: text('closed_at'),
    outcome: text('outcome'),
    closedBy: text('closed_by'),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.referralId, t.level] })],
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
  (t) => [
    index('alerts_raised').on(t.raisedAt),
    index('alerts_incident').on(t.incidentId),
    index('alerts_severity').on(t.severity, t.incidentId),
  ],
);

/**
 * Who acknowledged an alert (when, with what note), and who escalated it (to whom, at what level,
 * with what note). Append-only: triggers refuse UPDATE and DELETE. Kept apart from the event log on
 * purpose: acknowledging is about the alert, not the incident's record, so it never advances an
 * incident's version (no one's form goes stale because a supervisor saw an alert), and it survives a
 * rebuild of the projections (`alerts` is one), joined by the alert's stable id. One acknowledgement
 * per alert (a unique index); escalations as many as happen.
 */
export const alertActions = sqliteTable(
  'alert_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alertId: text('alert_id').notNull(), // `${incidentId}:${flagKey}`, as in alerts.id
    incidentId: text('incident_id').notNull(),
    kind: text('kind').notNull(), // acknowledged | escalated
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role').notNull(),
    at: text('at').notNull(),
    note: text('note'),
    /** For an escalation: to whom (a role or a named person) and at what level, when the ladder has levels. */
    escalatedTo: text('escalated_to'),
    level: integer('level'),
  },
  (t) => [
    index('alert_actions_alert').on(t.alertId, t.kind),
    uniqueIndex('alert_actions_one_acknowledgement').on(t.alertId).where(sql`kind = 'acknowledged'`),
  ],
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
    /** The HTML alternative of `body` (same content, real links); null for text-only emails. */
    html: text('html'),
    status: text('status').notNull(), // pending | sending | sent | failed
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: text('next_attempt_at').notNull(),
    lastError: text('last_error'),
    messageId: text('message_id').notNull(),
    createdAt: text('created_at').notNull(),
    sentAt: text('sent_at'),
    /** What the email is about inside its incident (e.g. the referral id), for the worker's follow-up. */
    correlation: text('correlation'),
  },
  (t) => [index('outbox_due').on(t.status, t.nextAttemptAt), index('outbox_incident').on(t.incidentId, t.kind)],
);

/**
 * The partner directory: agencies and services that receive referrals. Seeded from the force
 * configuration's `agencies`, edited by admins, filled by Open Referral UK imports. JSON columns
 * hold lists (districts covered, escalation contacts, named contacts) and opening hours.
 */
export const agencies = sqliteTable(
  'agencies',
  {
    code: text('code').primaryKey(),
    label: text('label').notNull(),
    type: text('type').notNull(),
    organization: text('organization'),
    email: text('email'),
    phone: text('phone'),
    hours: text('hours'),
    districts: text('districts').notNull(),
    escalationContacts: text('escalation_contacts').notNull(),
    contacts: text('contacts').notNull(),
    freeTextAllowed: integer('free_text_allowed', { mode: 'boolean' }).notNull(),
    active: integer('active', { mode: 'boolean' }).notNull(),
    /** config | api | oruk */
    source: text('source').notNull(),
    orukServiceId: text('oruk_service_id').unique(),
    notes: text('notes'),
    version: integer('version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [index('agencies_type').on(t.type, t.active)],
);

/** Append-only history of the directory: who changed which agency, when, and what it became. */
export const agencyChanges = sqliteTable(
  'agency_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    agencyCode: text('agency_code').notNull(),
    version: integer('version').notNull(),
    change: text('change').notNull(),
    actorId: text('actor_id').notNull(),
    at: text('at').notNull(),
    data: text('data').notNull(),
  },
  (t) => [index('agency_changes_agency').on(t.agencyCode, t.version)],
);

/**
 * One row per MHA s.136/s.135 detention (the `detention` child machine): what GET /api/detentions
 * and the Home Office ADR return read. A projection: rebuilt from the events with the rest.
 */
export const detentions = sqliteTable(
  'detentions',
  {
    /** Unique across incidents (the API addresses a detention by this id alone). */
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull(),
    power: text('power').notNull(), // s136 | s135_1 | s135_2
    state: text('state').notNull(),
    /** considering | notDetained | running | lapsed | ended | closed */
    status: text('status').notNull(),
    /** The incident subject's primary pseudonymous key when the detention was last written (R30 links by
     * incident_person_keys). */
    personKey: text('person_key'),
    startedAt: text('started_at').notNull(), // considered, or detained for a warrant
    detainedAt: text('detained_at'),
    clockStart: text('clock_start'),
    clockBasis: text('clock_basis'),
    baseExpiresAt: text('base_expires_at'),
    expiresAt: text('expires_at'),
    extensionMinutes: integer('extension_minutes').notNull(),
    firstPosType: text('first_pos_type'),
    firstPosSite: text('first_pos_site'),
    currentPosType: text('current_pos_type'),
    currentPosSite: text('current_pos_site'),
    transfers: integer('transfers').notNull(),
    policeStationUsed: integer('police_station_used', { mode: 'boolean' }).notNull(),
    policeStationReason: text('police_station_reason'),
    arrestedForOffence: text('arrested_for_offence'),
    conveyanceMethod: text('conveyance_method'),
    ambulanceRequested: text('ambulance_requested'), // yes | no | null
    policeVehicleReason: text('police_vehicle_reason'),
    ageBand: text('age_band'),
    gender: text('gender'),
    ethnicity: text('ethnicity'),
    firstArrivedAt: text('first_arrived_at'),
    firstAcceptedAt: text('first_accepted_at'),
    firstDepartedAt: text('first_departed_at'),
    assessmentStartedAt: text('assessment_started_at'),
    outcome: text('outcome'),
    endedAt: text('ended_at'),
    lapsedAt: text('lapsed_at'),
    closedAt: text('closed_at'),
    /** R42: ADR fields still missing, comma-separated ('' when complete). */
    adrMissing: text('adr_missing').notNull(),
    /** occurredAt of the detention's latest step. */
    lastEventAt: text('last_event_at').notNull(),
  },
  (t) => [
    index('detentions_incident').on(t.incidentId),
    index('detentions_detained').on(t.detainedAt),
    index('detentions_status').on(t.status, t.expiresAt),
  ],
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
  (t) => [
    primaryKey({ columns: [t.incidentId, t.id] }),
    index('resource_assignments_call_sign').on(t.callSign, t.dispatchedAt),
  ],
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
  // Added with R5 attendance (defaults let the migration add them; `npm run rebuild` fills them in).
  attendanceMeasured: integer('attendance_measured').notNull().default(0),
  attendanceMet: integer('attendance_met').notNull().default(0),
  attendanceBreached: integer('attendance_breached').notNull().default(0),
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
  // Added with the referral v2 statuses and acknowledgement times (defaults let the migration add them).
  resolved: integer('resolved').notNull().default(0),
  withdrawn: integer('withdrawn').notNull().default(0),
  escalated: integer('escalated').notNull().default(0),
  reached: integer('reached').notNull().default(0),
  acknowledged: integer('acknowledged').notNull().default(0),
  ackSeconds: integer('ack_seconds').notNull().default(0),
  ackWithin1h: integer('ack_within_1h').notNull().default(0),
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
 * The same sums by (dimension, force-local month, value): a report over whole months reads these
 * (a decade grouped by district is ~1,500 rows instead of ~45,000) and the daily tables only for
 * the part-months at either end of its period. Maintained with the daily rollups (same
 * transaction, same deltas); equal to `GROUP BY` over the ledgers by month (tested).
 */
export const demandRollupMonth = sqliteTable(
  'demand_rollup_month',
  {
    dim: text('dim').notNull(),
    month: text('month').notNull(), // YYYY-MM
    grp: text('grp').notNull(),
    ...incidentMeasures(),
  },
  (t) => [primaryKey({ columns: [t.dim, t.month, t.grp] })],
);

export const referralRollupMonth = sqliteTable(
  'referral_rollup_month',
  {
    dim: text('dim').notNull(),
    month: text('month').notNull(),
    grp: text('grp').notNull(),
    ...referralMeasures(),
  },
  (t) => [primaryKey({ columns: [t.dim, t.month, t.grp] })],
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
    // Covering for repeat demand: a person's contacts by rank, with the officer time on each.
    index('person_contacts_rank').on(t.person, t.rank, t.receivedS, t.officerSeconds),
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
/**
 * The access log (DPA 2018 s.62): every consultation and disclosure of personal data, every refusal,
 * every sign-in and sign-out, and every reading of this log. Append-only (triggers refuse UPDATE and
 * DELETE). Ids and codes only: never a name, never a field of a record.
 */
export const accessAudit = sqliteTable(
  'access_audit',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    /** The user's id ('anonymous' for a failed sign-in that named no known user). */
    userId: text('user_id').notNull(),
    role: text('role').notNull(),
    /** What exactly was done, e.g. incident.get, report.demand, signIn. */
    action: text('action').notNull(),
    /** Query parameters (never personal data). */
    params: text('params').notNull(),
    /** Rows before the access log: the incident looked at. Newer rows name their records in access_audit_records. */
    incidentId: text('incident_id'),
    /** shown | refused | succeeded (sign-in, sign-out) */
    outcome: text('outcome').notNull(),
    /** consultation | disclosure | signIn | signOut | administration */
    kind: text('kind').notNull().default('consultation'),
    /** The operation of the access policy it was decided by (docs/access.md). */
    operation: text('operation'),
    /** liveHandling, a reason code from access.reasons, or the operation's own purpose (e.g. adrReturn). */
    purpose: text('purpose'),
    /** The free text given with a reason code. */
    justification: text('justification'),
    /** A disclosure's recipient: user:<id> or agency:<code>. */
    recipient: text('recipient'),
    /** Why it was refused (a problem code, e.g. ROLE_NOT_ALLOWED, ACCESS_REASON_REQUIRED). */
    refusal: text('refusal'),
    requestId: text('request_id'),
  },
  (t) => [index('access_audit_at').on(t.at), index('access_audit_user').on(t.userId, t.id)],
);

/** The records an access-log row is about (one row per record; append-only like the log). */
export const accessAuditRecords = sqliteTable(
  'access_audit_records',
  {
    auditId: integer('audit_id')
      .notNull()
      .references(() => accessAudit.id),
    /** incident | detention | alert | referral | highIntensity | user */
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.auditId, t.recordType, t.recordId] }),
    index('access_audit_records_record').on(t.recordId, t.auditId),
  ],
);

/**
 * Console sessions (server-side). The session id lives only in the user's cookie; the table keeps its
 * SHA-256, so a copy of the database cannot be used to take over a session. Rows are kept after the
 * session ends (ended_at, end_reason) as the record of who was signed in when.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** How the user signed in: 'oidc' (identity provider) or 'token' (API token exchanged at /sign-in). */
    method: text('method').notNull(),
    createdAt: text('created_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    /** The absolute timeout: the session ends then whatever the activity. */
    expiresAt: text('expires_at').notNull(),
    endedAt: text('ended_at'),
    /** signedOut | idle | absolute | replaced | userDisabled */
    endReason: text('end_reason'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

/**
 * The mental-health lead's findings on detentions (issue 14): a governance record kept beside the
 * operational event log, not in it. A review is a later judgement by someone outside the
 * detention's handling, made mostly after the record is closed: it must not reopen the incident's
 * stream, change its version (an operator's If-Match) or enter the replay, and no machine rule
 * depends on it. Append-only like the event log (triggers refuse UPDATE and DELETE, R45): a
 * changed view is a new finding, and the latest is the current one. Not a projection — a rebuild
 * leaves it alone.
 */
export const detentionReviews = sqliteTable(
  'detention_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    detentionId: text('detention_id').notNull(),
    incidentId: text('incident_id').notNull(),
    /** lawfulAndTimely | concerns */
    conclusion: text('conclusion').notNull(),
    /** JSON array of the rules (R-numbers) the concerns are about; [] when lawful and timely. */
    concernRules: text('concern_rules').notNull(),
    /** JSON array of learning points (short sentences). */
    learningPoints: text('learning_points').notNull(),
    note: text('note').notNull(),
    reviewerId: text('reviewer_id').notNull(),
    reviewerRole: text('reviewer_role').notNull(),
    recordedAt: text('recorded_at').notNull(),
  },
  (t) => [index('detention_reviews_detention').on(t.detentionId, t.id)],
);
