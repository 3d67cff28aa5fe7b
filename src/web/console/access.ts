/**
 * What the signed-in user may see and do on the console, asked of the one policy module
 * (src/access/policy.ts, deny by default): the console offers only what the API would allow, and the
 * API still decides. An event type is offered only when the role holds the operation it needs.
 */
import { BUILT_IN_POLICY, eventOperations, grantOf, type Operation, type Policy } from '../../access/policy.js';
import type { UserRole } from '../../../machines/kit.js';

export interface ConsoleAccess {
  /** The role holds `op` (allowed, allowed with a reason, or suppressed). */
  can(op: Operation): boolean;
  /** The role may record an event of this type (with an R9 override when `override`). */
  canRecord(type: string, override?: boolean): boolean;
}

export function consoleAccess(role: UserRole, policy: Policy = BUILT_IN_POLICY): ConsoleAccess {
  const can = (op: Operation) => grantOf(policy, role, op) !== null;
  return {
    can,
    canRecord(type, override = false) {
      const ops = eventOperations({ type, override: override || undefined });
      return ops?.every(can) ?? false;
    },
  };
}
