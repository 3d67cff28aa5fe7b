/** Monthly totals of ALL incidents in command and control: the denominator of "share of all incidents". */
import type { CommandDeps } from '../commands/deps.js';
import { defaultUnitOfWork } from '../commands/unit-of-work.js';
import { prepared } from './sql.js';

export interface VolumeItem {
  month: string;
  district?: string | undefined;
  allIncidents: number;
}

/** Record (or replace) monthly totals; durable when the promise resolves. */
export async function recordVolumes(
  deps: CommandDeps,
  items: VolumeItem[],
  source: string,
  userId: string,
): Promise<number> {
  const upsert = prepared(
    deps.db,
    `INSERT INTO incident_volumes (month, district, all_incidents, source, recorded_at, recorded_by) VALUES (?, ?, ?,
    ?, ?, ?)
     ON CONFLICT(month, district) DO UPDATE SET all_incidents = excluded.all_incidents, source = excluded.source,
     recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by`,
  );
  const now = deps.clock.now().toISOString();
  const uow = deps.uow ?? defaultUnitOfWork(deps.db.$client);
  uow.run(() => {
    for (const i of items) upsert.run(i.month, i.district ?? '(all)', i.allIncidents, source, now, userId);
    return { ok: true, status: 200, body: null, etag: null, replayed: false };
  });
  await uow.durable();
  return items.length;
}
