/**
 * Import partner services from an Open Referral UK (HSDS) JSON document into the agency directory.
 *
 * Accepted shapes: an organization with `services`, an array of organizations, `{ organizations: [...] }`,
 * an ORUK API page `{ content: [services] }`, or an array of services (each may embed its
 * `organization`). One directory agency per ORUK service, matched on re-import by the service id.
 *
 * Mapping: name → label; organization.name → organization; email → referral email;
 * first phone (service or contact) → phone; weekly schedules (byday, opens_at, closes_at) → hours;
 * service_areas whose text names one of the force's districts → districts (none matched = the whole
 * force area, with a warning); contacts → named contacts. The agency type comes from a taxonomy term
 * whose code or name is one of our agency types (publishers can add a vocabulary such as
 * `mh-triage-agency-type` for this), else it is guessed from the name and reported as guessed.
 *
 * Safety: a service new to the directory arrives INACTIVE unless `activateNew` is set, because an
 * unreviewed email address must not receive referrals about people in crisis. Re-imports update
 * contact details but keep what admins own (escalation contacts, free-text permission, notes, and
 * whether it is active — except that a service ORUK lists as not active is deactivated).
 */
import { z } from '@hono/zod-openapi';
import { AGENCY_TYPES, WEEKDAYS, type AgencyType, type ForceConfig, type Hours } from '../config/schema.js';
import { AGENCY_CODE, type AgencyDirectory, editable, type Agency, type Contact } from './directory.js';

const loose = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const str = z.string().nullish();
const phone = loose({ number: z.string().nullish() });
const term = loose({ name: str, vocabulary: str, code: str });
const orukService = loose({
  id: z.string().min(1),
  name: z.string().min(1),
  email: str,
  status: str,
  organization: loose({ id: str, name: str }).nullish(),
  schedules: z.array(loose({ byday: str, opens_at: str, closes_at: str, freq: str, description: str })).nullish(),
  regular_schedules: z.array(loose({ byday: str, weekday: str, opens_at: str, closes_at: str, freq: str })).nullish(),
  service_areas: z.array(loose({ name: str, service_area: str, extent: str })).nullish(),
  contacts: z.array(loose({ name: str, title: str, email: str, phones: z.array(phone).nullish() })).nullish(),
  phones: z.array(phone).nullish(),
  attributes: z.array(loose({ taxonomy_term: term.nullish() })).nullish(),
  service_taxonomys: z.array(loose({ taxonomy: term.nullish() })).nullish(),
});
type OrukService = z.infer<typeof orukService>;
const orukOrganization = loose({ id: str, name: str, services: z.array(z.unknown()).default([]) });

export const orukDocumentSchema = z.union([
  loose({ organizations: z.array(orukOrganization) }),
  loose({ content: z.array(z.unknown()) }),
  loose({ id: str, name: str, services: z.array(z.unknown()) }),
  z.array(z.unknown()),
]);

export interface ImportOptions {
  activateNew: boolean;
  actorId: string;
  now: string;
}

export interface ImportReport {
  created: Array<{ code: string; label: string; type: string; typeSource: 'taxonomy' | 'guessed'; active: boolean }>;
  updated: Array<{ code: string; label: string; changes: string[] }>;
  unchanged: number;
  deactivated: string[];
  skipped: Array<{ serviceId: string | null; name: string | null; reason: string }>;
  warnings: Array<{ serviceId: string; message: string }>;
}

/** The services in a document, each with the name of the organization it came under. */
function servicesOf(doc: unknown): Array<{ raw: unknown; organization: string | null }> {
  const fromOrg = (o: unknown) => {
    const org = o as { name?: string | null; services?: unknown[] };
    return (org.services ?? []).map((raw) => ({ raw, organization: org.name ?? null }));
  };
  if (Array.isArray(doc))
    return doc.flatMap((x) =>
      x && typeof x === 'object' && 'services' in x ? fromOrg(x) : [{ raw: x, organization: null }],
    );
  const d = doc as Record<string, unknown>;
  if (Array.isArray(d.organizations)) return d.organizations.flatMap(fromOrg);
  if (Array.isArray(d.content)) return d.content.map((raw) => ({ raw, organization: null }));
  return fromOrg(doc);
}

const TYPE_GUESSES: Array<[RegExp, AgencyType]> = [
  [/\b111\b/, 'nhs111MentalHealth'],
  [/ambulance|paramedic/i, 'ambulance'],
  [/\bamhp\b|approved mental health/i, 'amhpService'],
  [/child(ren)?'?s? (social|services)|children and families/i, 'childrensSocialCare'],
  [/adult social|social care|emergency duty/i, 'adultSocialCare'],
  [/crisis (team|line|resolution)|home treatment|single point of access|\bspoa\b/i, 'crisisTeam'],
  [/emergency department|\ba&e\b|liaison psychiatry/i, 'emergencyDepartment'],
  [/liaison and diversion|\bl&d\b|cjlds/i, 'liaisonAndDiversion'],
  [/safe haven|crisis caf|sanctuary|samaritans|\bmind\b|listening/i, 'voluntarySector'],
  [/\bgp\b|general practi|surgery|primary care/i, 'primaryCare'],
];

function typeOf(s: OrukService): { type: AgencyType; source: 'taxonomy' | 'guessed' } {
  const terms = [
    ...(s.attributes ?? []).map((a) => a.taxonomy_term),
    ...(s.service_taxonomys ?? []).map((t) => t.taxonomy),
  ].filter((t) => !!t);
  for (const t of terms) {
    const candidates = [t!.code, t!.name].filter((x): x is string => !!x);
    const ours = candidates.find((c) => (AGENCY_TYPES as readonly string[]).includes(c));
    if (ours) return { type: ours as AgencyType, source: 'taxonomy' };
  }
  const guess = TYPE_GUESSES.find(([re]) => re.test(s.name));
  return { type: guess?.[1] ?? 'other', source: 'guessed' };
}

const BYDAY = new Set<string>(WEEKDAYS);
const WEEKDAY_NAMES: Record<string, string> = {
  monday: 'MO',
  tuesday: 'TU',
  wednesday: 'WE',
  thursday: 'TH',
  friday: 'FR',
  saturday: 'SA',
  sunday: 'SU',
};

function hoursOf(s: OrukService, warn: (m: string) => void): Hours | null {
  const rows = [...(s.schedules ?? []), ...(s.regular_schedules ?? [])] as Array<{
    byday?: string | null;
    weekday?: string | null;
    opens_at?: string | null;
    closes_at?: string | null;
    freq?: string | null;
  }>;
  const sessions: Hours['sessions'] = [];
  for (const r of rows) {
    if (r.freq && r.freq.toUpperCase() !== 'WEEKLY') {
      warn(`a ${r.freq} schedule was not imported (only weekly opening hours are used)`);
      continue;
    }
    const days = (r.byday ?? (r.weekday ? (WEEKDAY_NAMES[r.weekday.toLowerCase()] ?? r.weekday) : ''))
      .split(',')
      .map((d) => d.trim().toUpperCase())
      .filter((d) => BYDAY.has(d)) as Hours['sessions'][number]['days'];
    const time = (t: string | null | undefined) => (t && /^\d{2}:\d{2}/.test(t) ? t.slice(0, 5) : null);
    const opens = time(r.opens_at);
    const closes = time(r.closes_at);
    if (days.length === 0 || !opens || !closes) {
      warn('a schedule without days, opening or closing time was not imported');
      continue;
    }
    if (/[Z+-]\d*$/.test((r.opens_at ?? '').slice(5)))
      warn('schedule times with a time zone were read as force local time');
    sessions.push({ days, opens, closes });
  }
  if (sessions.length === 0) return null;
  const allDay = sessions.filter((x) => x.opens === '00:00' && (x.closes === '23:59' || x.closes === '00:00'));
  if (new Set(allDay.flatMap((x) => x.days)).size === 7) return { alwaysOpen: true, sessions: [] };
  return { alwaysOpen: false, sessions };
}

function districtsOf(s: OrukService, config: ForceConfig, warn: (m: string) => void): string[] {
  const found = new Set<string>();
  for (const a of s.service_areas ?? []) {
    const text = [a.service_area, a.name, a.extent].filter(Boolean).join(' ').toLowerCase();
    const matched = config.districts.filter((d) =>
      new RegExp(`\\b${d.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text),
    );
    if (matched.length === 0)
      warn(`service area "${(a.service_area ?? a.name ?? '').slice(0, 80)}" names none of the force's districts`);
    for (const d of matched) found.add(d);
  }
  if ((s.service_areas ?? []).length > 0 && found.size === 0)
    warn('no district matched: coverage is the whole force area');
  return config.districts.filter((d) => found.has(d));
}

function contactsOf(s: OrukService): Contact[] {
  return (s.contacts ?? []).map((c) => ({
    name: c.name ?? null,
    title: c.title ?? null,
    phone: c.phones?.find((p) => p.number)?.number ?? null,
    email: c.email && z.email().safeParse(c.email).success ? c.email : null,
  }));
}

/** A directory code from a service name: camelCase letters and digits, unique. */
function codeFor(name: string, taken: Set<string>): string {
  const words = name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9 ]+/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  let base = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
  if (!/^[A-Za-z]/.test(base)) base = `svc${base}`;
  base = base.slice(0, 36) || 'service';
  let code = base;
  for (let n = 2; taken.has(code); n++) code = `${base}-${n}`;
  if (!AGENCY_CODE.test(code)) throw new Error(`generated an invalid code ${code}`);
  taken.add(code);
  return code;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Apply a parsed ORUK document to the directory in one transaction; returns what happened. */
export function importOruk(dir: AgencyDirectory, config: ForceConfig, doc: unknown, opts: ImportOptions): ImportReport {
  const report: ImportReport = { created: [], updated: [], unchanged: 0, deactivated: [], skipped: [], warnings: [] };
  return dir.transaction(() => {
    const taken = dir.codes();
    const seen = new Set<string>();
    for (const { raw, organization } of servicesOf(doc)) {
      const parsed = orukService.safeParse(raw);
      const r = raw as { id?: unknown; name?: unknown };
      if (!parsed.success) {
        report.skipped.push({
          serviceId: typeof r?.id === 'string' ? r.id : null,
          name: typeof r?.name === 'string' ? r.name : null,
          reason: parsed.error.issues.map((i) => `${i.path.join('.') || '(service)'}: ${i.message}`).join('; '),
        });
        continue;
      }
      const s = parsed.data;
      if (seen.has(s.id)) {
        report.skipped.push({
          serviceId: s.id,
          name: s.name,
          reason: 'the same service id appears twice in the document',
        });
        continue;
      }
      seen.add(s.id);
      const warn = (message: string) => report.warnings.push({ serviceId: s.id, message });
      let email: string | null = null;
      if (s.email) {
        if (z.email().safeParse(s.email).success) email = s.email;
        else warn(`email "${s.email.slice(0, 80)}" is not a valid address and was not imported`);
      }
      const { type, source } = typeOf(s);
      if (source === 'guessed')
        warn(`no agency-type taxonomy term: type '${type}' was guessed from the name; check it`);
      const listedActive = (s.status ?? 'active').toLowerCase() === 'active';
      const phoneNumber =
        s.phones?.find((p) => p.number)?.number ??
        s.contacts?.flatMap((c) => c.phones ?? []).find((p) => p.number)?.number ??
        null;
      const fromOruk = {
        label: s.name.slice(0, 200),
        organization: (s.organization?.name ?? organization ?? null)?.slice(0, 200) ?? null,
        email,
        phone: phoneNumber?.slice(0, 40) ?? null,
        hours: hoursOf(s, warn),
        districts: districtsOf(s, config, warn),
        contacts: contactsOf(s),
      };
      const existing = dir.byOrukServiceId(s.id);
      if (!existing) {
        const active = listedActive && opts.activateNew;
        const a: Agency = {
          code: codeFor(s.name, taken),
          type,
          ...fromOruk,
          escalationContacts: [],
          freeTextAllowed: false,
          active,
          notes: null,
          source: 'oruk',
          orukServiceId: s.id,
          version: 1,
          createdAt: opts.now,
          updatedAt: opts.now,
          updatedBy: opts.actorId,
        };
        dir.write(a, 'imported');
        report.created.push({ code: a.code, label: a.label, type, typeSource: source, active });
        continue;
      }
      const next: Agency = {
        ...existing,
        ...fromOruk,
        // A guessed type never overrides what an admin set.
        type: source === 'taxonomy' ? type : existing.type,
        active: listedActive ? existing.active : false,
      };
      const changes = (Object.keys(editable(next)) as Array<keyof ReturnType<typeof editable>>).filter(
        (k) => !same(editable(next)[k], editable(existing)[k]),
      );
      if (changes.length === 0) {
        report.unchanged++;
        continue;
      }
      dir.write({ ...next, version: existing.version + 1, updatedAt: opts.now, updatedBy: opts.actorId }, 'imported');
      if (existing.active && !next.active) report.deactivated.push(existing.code);
      report.updated.push({ code: existing.code, label: next.label, changes });
    }
    return report;
  });
}
