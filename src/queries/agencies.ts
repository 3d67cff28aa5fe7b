/**
 * Read models of the partner agency directory: the list filtered by type, district, active and
 * opening hours at an instant, and one agency's change history with who made each change.
 */
import type { Db } from '../../db/client.js';
import type { AgencyType } from '../config/schema.js';
import { AgencyDirectory } from '../directory/directory.js';
import { isOpenAt } from '../directory/hours.js';
import { getOrInsert } from '../lib/maps.js';

export interface AgencyFilter {
  type?: AgencyType | undefined;
  /** Agencies covering this district (or the whole force area). */
  district?: string | undefined;
  active?: 'true' | 'false' | undefined;
  /** Only agencies open at `at` (or with no hours listed). */
  open?: 'true' | undefined;
}

/** Every agency matching the filter, with whether it is open at `at` by its listed hours (null: none listed). */
export function listAgencies(db: Db, q: AgencyFilter, at: string, timeZone: string) {
  return new AgencyDirectory(db)
    .list()
    .filter((a) => (q.type ? a.type === q.type : true))
    .filter((a) => (q.active ? a.active === (q.active === 'true') : true))
    .filter((a) => (q.district ? a.districts.length === 0 || a.districts.includes(q.district) : true))
    .map((a) => ({ ...a, openAt: isOpenAt(a.hours, at, timeZone) }))
    .filter((a) => (q.open ? a.openAt !== false : true));
}

const userNames = new WeakMap<Db, (id: string) => string | undefined>();

/** Every change to an agency, oldest first, with the name of who made it; null when there is no such agency. */
export function agencyHistory(db: Db, code: string) {
  const dir = new AgencyDirectory(db);
  if (!dir.get(code)) return null;
  const nameOf = getOrInsert(userNames, db, () => {
    const names = db.$client.prepare<[string], string>('SELECT name FROM users WHERE id = ?').pluck();
    return (id: string) => names.get(id);
  });
  return dir.history(code).map((h) => ({ ...h, actorName: nameOf(h.actorId) ?? h.actorId }));
}
