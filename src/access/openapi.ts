/**
 * The OpenAPI document states who may call each operation, from the same route table and policy
 * that decide it (so the contract cannot say something the server does not do): `x-roles` lists the
 * roles, `x-access` names the policy operation and each role's grant, and the description ends with
 * the same in words. POST …/events lists the roles of each event type in `x-event-roles`.
 */
import type { AppOpenAPI } from '../http/types.js';
import {
  closedReadOf,
  EVENT_OPERATIONS,
  MATRIX,
  rolesGranted,
  type Grant,
  type Operation,
  type Policy,
} from './policy.js';
import { routeKey, type RouteTable } from './routes.js';

type OpenAPIObject = ReturnType<AppOpenAPI['getOpenAPI31Document']>;
type OperationObject = { description?: string; [k: string]: unknown };

const GRANT_WORDS: Record<Grant, string> = {
  allow: '',
  reason: ' (with a reason: X-Access-Reason)',
  suppressed: ' (suppressed, R44)',
};

function rolesInWords(policy: Policy, op: Operation): string {
  const roles = rolesGranted(policy, op);
  if (roles.length === 0) return 'no role in this force';
  return roles.map((r) => `${r}${GRANT_WORDS[policy[op][r]!]}`).join(', ');
}

const append = (o: OperationObject, text: string) => {
  o.description = o.description ? `${o.description}\n\n${text}` : text;
};

/** Adds the access of every operation to `doc` (in place) and returns it. */
export function declareAccess(doc: OpenAPIObject, table: RouteTable, policy: Policy): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const honoPath = path.replace(/\{([^}]+)\}/g, ':$1');
    for (const [method, op] of Object.entries(item as Record<string, OperationObject>)) {
      const rule = table[routeKey(method, honoPath)];
      if (!rule) {
        op['x-roles'] = [];
        append(op, '**Access:** no rule: refused to everyone (deny by default).');
      } else if ('operation' in rule) {
        const operation = rule.operation;
        op['x-roles'] = rolesGranted(policy, operation);
        op['x-access'] = { operation, grants: policy[operation] };
        const closedOp = closedReadOf(operation);
        append(
          op,
          `**Access:** \`${operation}\` (${MATRIX[operation].what}): ${rolesInWords(policy, operation)}.` +
            (closedOp ? ` Records closed longer than the grace period, \`${closedOp}\`: ` : '') +
            (closedOp ? `${rolesInWords(policy, closedOp)}.` : ''),
        );
      } else if ('events' in rule) {
        const ops = [...new Set(Object.values(EVENT_OPERATIONS))] as Operation[];
        op['x-roles'] = [...new Set(ops.flatMap((o) => rolesGranted(policy, o)))];
        op['x-event-roles'] = Object.fromEntries(
          Object.entries(EVENT_OPERATIONS).map(([type, o]) => [type, rolesGranted(policy, o)]),
        );
        append(
          op,
          '**Access:** each event type needs its operation (`x-event-roles` lists the roles of each type): ' +
            ops.map((o) => `\`${o}\`: ${rolesInWords(policy, o)}`).join('; ') +
            `; an RCRP decision with a supervisor override also needs \`incident.override\`: ` +
            `${rolesInWords(policy, 'incident.override')}.`,
        );
      } else if ('signedIn' in rule) {
        op['x-roles'] = rolesGranted(policy, 'config.read');
      } else op['x-roles'] = [];
    }
  }
  return doc;
}
