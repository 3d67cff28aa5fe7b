/**
 * Deadlines are rows (ARCHITECTURE principle 4): the sweeper finds the pending ones that have
 * fallen due by the injected clock and raises each through the command path. A fired deadline's row
 * becomes `fired` in the same transaction as its alert, so running the sweeper again — or on two
 * processes at once — raises nothing twice.
 */
import type { CommandDeps } from '../commands/deps.js';
import { reachDeadline } from '../commands/reach-deadline.js';

export interface SweepResult {
  fired: number;
  skipped: number;
}

export function sweepDeadlines(deps: CommandDeps, batch = 500): SweepResult {
  const now = deps.clock.now().toISOString();
  const due = deps.db.$client
    .prepare(
      `SELECT incident_id AS incidentId, key, due_at AS dueAt FROM deadlines WHERE status = 'pending' AND due_at <= ` +
        `? ORDER BY due_at, incident_id LIMIT ?`,
    )
    .all(now, batch) as Array<{ incidentId: string; key: string; dueAt: string }>;
  let fired = 0;
  let skipped = 0;
  for (const d of due) {
    const r = reachDeadline(deps, d.incidentId, d.key, d.dueAt);
    if (r.ok) fired++;
    else skipped++;
  }
  return { fired, skipped };
}
