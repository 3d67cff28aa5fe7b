/**
 * Who may do what: the one policy module (ACCESS matrix in docs/access.md), deny by default.
 *
 * Every operation the system offers has an entry naming, for each role, whether it is allowed,
 * allowed with a recorded reason (reading closed records, DPA 2018 s.62(2)(a)), or allowed only in
 * suppressed form (the PCC's aggregates, R44). A role without a grant is refused. Every command
 * event type maps to the operation that covers it, so an event type with no entry cannot be sent.
 *
 * A force's configuration may narrow the matrix (take a grant away), never widen it: `narrowPolicy`
 * refuses a configuration that grants what the built-in matrix does not, naming the entry.
 */
import { ROLES, type UserRole } from '../../machines/kit.js';

/** allow: ✓ · reason: allowed with a recorded justification · suppressed: aggregates with R44 applied. */
export type Grant = 'allow' | 'reason' | 'suppressed';

interface OperationSpec {
  /** What a person reads in the matrix table. */
  what: string;
  grants: Partial<Record<UserRole, Grant>>;
}

const OPERATIONAL: readonly UserRole[] = ['call_handler', 'dispatcher', 'supervisor'];
const all = (roles: readonly UserRole[], grant: Grant = 'allow') =>
  Object.fromEntries(roles.map((r) => [r, grant])) as Partial<Record<UserRole, Grant>>;

/** The built-in matrix. Order is the order of the generated table. */
export const MATRIX = {
  'incident.create': { what: 'create incident', grants: all(OPERATIONAL) },
  'incident.read': {
    what: 'list / read open incidents (queue, timeline, subject, free text)',
    grants: all([...OPERATIONAL, 'officer', 'mh_lead']),
  },
  'incident.readClosed': {
    what: 'read closed incidents',
    grants: all([...OPERATIONAL, 'officer', 'mh_lead'], 'reason'),
  },
  'incident.manage': {
    what: 'THRIVE, grade, RCRP decision, new information, subject, advice, resolve, close',
    grants: all(OPERATIONAL),
  },
  'incident.override': { what: 'RCRP supervisor override (R9)', grants: all(['supervisor']) },
  'referral.manage': {
    what: 'referral made, partner answer recorded, escalation (R13)',
    grants: all(OPERATIONAL),
  },
  'resource.manage': {
    what: 'dispatch and resource times, segments',
    grants: all(['dispatcher', 'supervisor', 'officer']),
  },
  'detention.record': { what: 's.136 / s.135 events', grants: all(['dispatcher', 'supervisor', 'officer']) },
  'alert.read': { what: 'alerts: read', grants: all([...OPERATIONAL, 'officer', 'mh_lead']) },
  'alert.acknowledge': { what: 'alerts: acknowledge', grants: all(OPERATIONAL) },
  'alert.escalate': { what: 'alerts: escalate', grants: all(['supervisor']) },
  'detention.read': {
    what: 'detentions: list / read',
    grants: all([...OPERATIONAL, 'officer', 'mh_lead']),
  },
  'detention.readClosed': {
    what: 'detentions: read closed',
    grants: all([...OPERATIONAL, 'officer', 'mh_lead'], 'reason'),
  },
  'detention.review': {
    what: "detention review (MH lead's finding on a detention; record export for the IOPC or a coroner)",
    grants: all(['mh_lead']),
  },
  'handover.audit': {
    what: 'handover audit, high-intensity marker (R41)',
    grants: all(['supervisor', 'mh_lead']),
  },
  'adr.records': { what: 'ADR return, record level', grants: all(['mh_lead']) },
  'reports.read': {
    what: 'demand report, evidence pack, workbook',
    grants: { supervisor: 'allow', mh_lead: 'allow', pcc_analyst: 'suppressed' },
  },
  'volumes.manage': { what: 'incident volumes (denominator)', grants: all(['mh_lead', 'admin']) },
  'agency.read': {
    what: 'agency directory: read',
    grants: all([...OPERATIONAL, 'officer', 'mh_lead', 'admin']),
  },
  'agency.manage': { what: 'agency directory: change, import', grants: all(['admin']) },
  'agency.history': { what: 'agency directory history', grants: all(['mh_lead', 'admin']) },
  'users.manage': { what: 'users, roles, tokens', grants: all(['admin']) },
  'accessLog.read': { what: 'access log (read, export)', grants: all(['auditor']) },
  'config.read': { what: 'configuration (read)', grants: all(ROLES) },
} as const satisfies Record<string, OperationSpec>;

export type Operation = keyof typeof MATRIX;
export const OPERATIONS = Object.keys(MATRIX) as Operation[];

/** The operation each command event type needs. Every command event type has an entry (a test holds it). */
export const EVENT_OPERATIONS = {
  THRIVE_RECORDED: 'incident.manage',
  GRADE_SET: 'incident.manage',
  IMMEDIATE_GRADE_SET: 'incident.manage',
  RCRP_DECISION_RECORDED: 'incident.manage',
  NEW_INFORMATION: 'incident.manage',
  SUBJECT_RECORDED: 'incident.manage',
  CALL_HANDLING_RECORDED: 'incident.manage',
  ADVICE_GIVEN: 'incident.manage',
  RESOLVED_WITHOUT_DEPLOYMENT: 'incident.manage',
  INCIDENT_CLOSED: 'incident.manage',
  REFERRAL_MADE: 'referral.manage',
  REFERRAL_ACKNOWLEDGED: 'referral.manage',
  REFERRAL_ANSWERED: 'referral.manage',
  REFERRAL_CALLER_INFORMED: 'referral.manage',
  REFERRAL_ESCALATED: 'referral.manage',
  REFERRAL_RESOLVED: 'referral.manage',
  REFERRAL_WITHDRAWN: 'referral.manage',
  POLICE_DISPATCHED: 'resource.manage',
  RESOURCE_DISPATCHED: 'resource.manage',
  RESOURCE_ARRIVED: 'resource.manage',
  RESOURCE_CLEARED: 'resource.manage',
  RESOURCE_IMPORTED: 'resource.manage',
  S136_CONSIDERED: 'detention.record',
  S136_NOT_DETAINED: 'detention.record',
  S136_CONSULTATION_RECORDED: 'detention.record',
  S136_DETAINED: 'detention.record',
  S135_WARRANT_EXECUTED: 'detention.record',
  S136_CONVEYANCE_RECORDED: 'detention.record',
  S136_ARRIVED_AT_PLACE_OF_SAFETY: 'detention.record',
  S136_HEALTHCARE_CHECK_RECORDED: 'detention.record',
  S136_NHS_ACCEPTED: 'detention.record',
  S136_EXTENDED_STAY_AGREED: 'detention.record',
  S136_POLICE_DEPARTED: 'detention.record',
  S136_TRANSFERRED: 'detention.record',
  S136_EXTENSION_AUTHORISED: 'detention.record',
  S136_ASSESSMENT_STARTED: 'detention.record',
  S136_OUTCOME_RECORDED: 'detention.record',
  S136_RELEASED_BY_POLICE: 'detention.record',
  S136_ADR_RECORDED: 'detention.record',
  S136_CLOSED: 'detention.record',
} as const satisfies Record<string, Operation>;

export type PolicyEventType = keyof typeof EVENT_OPERATIONS;

/** The operations an event needs: its own, plus the R9 override when the decision carries one. */
export function eventOperations(event: { type: string; override?: unknown }): Operation[] | null {
  const op = (EVENT_OPERATIONS as Record<string, Operation | undefined>)[event.type];
  if (!op) return null;
  return event.type === 'RCRP_DECISION_RECORDED' && event.override ? [op, 'incident.override'] : [op];
}

/** A matrix in force: the built-in one, or a force's narrowing of it. */
export type Policy = Readonly<Record<Operation, Partial<Record<UserRole, Grant>>>>;

export const BUILT_IN_POLICY: Policy = Object.fromEntries(
  OPERATIONS.map((op) => [op, MATRIX[op].grants as Partial<Record<UserRole, Grant>>]),
) as Policy;

/** The role's grant for the operation, or null (refused). Deny by default: no entry, no grant. */
export function grantOf(policy: Policy, role: UserRole, op: Operation): Grant | null {
  return policy[op]?.[role] ?? null;
}

export class PolicyWideningError extends Error {}

/**
 * A force's narrowing: for each operation it names, the roles that keep their grant. A role the
 * built-in matrix does not grant, or an unknown operation, is a widening and fails at start.
 */
export function narrowPolicy(narrowing: Partial<Record<string, readonly UserRole[]>>): Policy {
  const out: Record<string, Partial<Record<UserRole, Grant>>> = { ...BUILT_IN_POLICY };
  for (const [op, roles] of Object.entries(narrowing)) {
    if (!(op in MATRIX))
      throw new PolicyWideningError(`access.narrow.${op}: no such operation (one of ${OPERATIONS.join(', ')})`);
    const builtIn = BUILT_IN_POLICY[op as Operation];
    const kept: Partial<Record<UserRole, Grant>> = {};
    for (const role of roles ?? []) {
      const grant = builtIn[role];
      if (!grant)
        throw new PolicyWideningError(
          `access.narrow.${op}: '${role}' is not granted '${op}' by the built-in matrix; ` +
            'configuration may narrow the matrix, never widen it',
        );
      kept[role] = grant;
    }
    out[op] = kept;
  }
  return out as Policy;
}

const policies = new WeakMap<object, Policy>();
/** The policy in force for a configuration (its `access.narrow` applied), built once per configuration object. */
export function policyFor(config: { access: { narrow: Partial<Record<string, readonly UserRole[]>> } }): Policy {
  let p = policies.get(config);
  if (!p) {
    p = narrowPolicy(config.access.narrow);
    policies.set(config, p);
  }
  return p;
}

/** The roles holding a grant of `op`, in the order of ROLES. */
export function rolesGranted(policy: Policy, op: Operation): UserRole[] {
  return ROLES.filter((r) => grantOf(policy, r, op) !== null);
}

/**
 * Reading a record once it has been closed for longer than the grace period is its own operation
 * (granted with a reason): the operation a read of an open record becomes then.
 */
export const CLOSED_READ = {
  'incident.read': 'incident.readClosed',
  'detention.read': 'detention.readClosed',
} as const satisfies Partial<Record<Operation, Operation>>;

export const closedReadOf = (op: Operation): Operation | null =>
  (CLOSED_READ as Partial<Record<Operation, Operation>>)[op] ?? null;
