/**
 * Who administers users, roles and tokens, and the access-log row each change writes (kind
 * `administration`, outcome `succeeded`, the user it concerns as its record). The row is written in
 * the transaction of the change, so a change is never without its row. Codes, ids and dates only.
 */
import type { Db } from '../../db/client.js';
import { writeAccess } from '../access/access-log.js';
import type { Clock } from '../clock.js';

export interface Administrator {
  /** A user id, or `cli:<operating-system user>` for the token CLI. */
  userId: string;
  role: string;
  requestId?: string | null;
}

export function logAdministration(
  deps: { db: Db; clock: Clock },
  by: Administrator,
  action: string,
  userId: string,
  params: Record<string, unknown>,
): void {
  writeAccess(deps, {
    userId: by.userId,
    role: by.role,
    kind: 'administration',
    action,
    operation: 'users.manage',
    outcome: 'succeeded',
    purpose: 'administration',
    records: [{ type: 'user', id: userId }],
    params,
    requestId: by.requestId ?? null,
  });
}
