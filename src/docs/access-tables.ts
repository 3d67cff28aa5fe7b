/**
 * The tables of docs/access.md generated from the access policy and the route table, so that the
 * page says exactly what the server decides: the role × operation matrix, the operation of every
 * route, and the operation of every event type. Each sits between <!-- access:NAME --> and
 * <!-- /access:NAME -->; `npm run docs:diagrams` rewrites them and a test fails when they drift.
 */
import { ROLES, type UserRole } from '../../machines/kit.js';
import { BUILT_IN_POLICY, EVENT_OPERATIONS, MATRIX, OPERATIONS, rolesGranted, type Grant } from '../access/policy.js';
import { ROUTE_ACCESS, type RouteRule } from '../access/routes.js';

const ABBREVIATION: Record<UserRole, string> = {
  call_handler: 'CH',
  dispatcher: 'DSP',
  supervisor: 'SUP',
  officer: 'OFF',
  mh_lead: 'MHL',
  pcc_analyst: 'PCC',
  auditor: 'AUD',
  admin: 'ADM',
};

const CELL: Record<Grant, string> = { allow: '✓', reason: 'R', suppressed: '✓ suppressed' };

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const rule = (n: number) => `|${Array(n).fill('---').join('|')}|`;
const cellText = (s: string) => s.replace(/\|/g, '\\|');

function matrixTable(): string {
  const head = row(['operation', 'what', ...ROLES.map((r) => ABBREVIATION[r])]);
  const rows = OPERATIONS.map((op) =>
    row([
      `\`${op}\``,
      cellText(MATRIX[op].what),
      ...ROLES.map((r) => {
        const g = BUILT_IN_POLICY[op][r];
        return g ? CELL[g] : '–';
      }),
    ]),
  );
  const legend = ROLES.map((r) => `${ABBREVIATION[r]} \`${r}\``).join(' · ');
  return [head, rule(2 + ROLES.length), ...rows, '', `${legend}.`].join('\n');
}

function ruleInWords(rule: RouteRule): string {
  if ('operation' in rule) return `\`${rule.operation}\``;
  if ('events' in rule) return 'the operation of the event type (below)';
  if ('signedIn' in rule) return `any signed-in user: ${cellText(rule.signedIn)}`;
  return `open: ${cellText(rule.open)}`;
}

function routesTable(): string {
  const keys = Object.keys(ROUTE_ACCESS).sort((a, b) => {
    const [, pa] = a.split(' ');
    const [, pb] = b.split(' ');
    return pa === pb ? a.localeCompare(b) : pa!.localeCompare(pb!);
  });
  return [
    row(['route', 'decided by']),
    rule(2),
    ...keys.map((k) => row([`\`${k}\``, ruleInWords(ROUTE_ACCESS[k]!)])),
  ].join('\n');
}

function eventsTable(): string {
  return [
    row(['event type', 'operation', 'roles']),
    rule(3),
    ...Object.entries(EVENT_OPERATIONS).map(([type, op]) =>
      row([`\`${type}\``, `\`${op}\``, rolesGranted(BUILT_IN_POLICY, op).join(', ')]),
    ),
  ].join('\n');
}

/** Each generated table by its marker name. */
export function accessTables(): Record<string, string> {
  return { matrix: matrixTable(), routes: routesTable(), events: eventsTable() };
}

export function replaceAccessTables(markdown: string, tables = accessTables()): string {
  let out = markdown;
  for (const [name, table] of Object.entries(tables))
    out = out.replace(
      new RegExp(`(<!-- access:${name} -->\\n)[\\s\\S]*?(\\n<!-- /access:${name} -->)`),
      (_m, a: string, b: string) => `${a}${table}${b}`,
    );
  return out;
}
