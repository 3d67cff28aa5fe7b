/**
 * The partner agency directory: agencies and services that receive referrals, with their contact
 * routes, hours, coverage and escalation contacts. Reference data, not events: admins edit it (each
 * change bumps a version for If-Match and is written to the append-only `agency_changes`), the force
 * configuration seeds it, Open Referral UK imports fill it. A referral stamps the routing facts it
 * used into its event, so later edits never change what a past referral did.
 */
import { z } from '@hono/zod-openapi';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { agencies, agencyChanges } from '../../db/schema.js';
import {
  AGENCY_TYPES,
  escalationContactSchema,
  hoursSchema,
  type AgencyConfig,
  type ForceConfig,
  type Hours,
} from '../config/schema.js';

export const contactSchema = z
  .object({
    name: z.string().max(200).nullable().default(null),
    title: z.string().max(200).nullable().default(null),
    phone: z.string().max(40).nullable().default(null),
    email: z.email().nullable().default(null),
  })
  .openapi('AgencyContact');
export type Contact = z.infer<typeof contactSchema>;

export const AGENCY_CODE = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** What an admin sends to create (with `code`) or replace (PUT) an agency. */
export function agencyInputSchema(config: ForceConfig) {
  const district = z.enum(config.districts as [string, ...string[]]);
  return z
    .strictObject({
      label: z.string().min(1).max(200),
      type: z.enum(AGENCY_TYPES),
      organization: z.string().min(1).max(200).nullable().default(null),
      email: z
        .email()
        .nullable()
        .default(null)
        .openapi({ description: 'Secure mailbox that receives referral emails; null = phone only' }),
      phone: z.string().min(1).max(40).nullable().default(null),
      hours: hoursSchema
        .nullable()
        .default(null)
        .openapi({ description: 'Opening hours in force local time; null = not listed' }),
      districts: z
        .array(district)
        .max(100)
        .default([])
        .openapi({ description: 'Districts covered; empty = the whole force area' }),
      escalationContacts: z.array(escalationContactSchema).max(20).default([]),
      contacts: z.array(contactSchema).max(50).default([]),
      freeTextAllowed: z
        .boolean()
        .default(false)
        .openapi({ description: 'May referral emails carry the free-text narrative?' }),
      active: z.boolean().default(true),
      notes: z.string().max(2000).nullable().default(null),
    })
    .openapi('AgencyInput');
}
export type AgencyInput = z.output<ReturnType<typeof agencyInputSchema>>;

export interface Agency extends AgencyInput {
  code: string;
  source: 'config' | 'api' | 'oruk';
  orukServiceId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

export const agencySchema = z
  .object({
    code: z.string(),
    label: z.string(),
    type: z.enum(AGENCY_TYPES),
    organization: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    hours: hoursSchema.nullable(),
    districts: z.array(z.string()),
    escalationContacts: z.array(escalationContactSchema),
    contacts: z.array(contactSchema),
    freeTextAllowed: z.boolean(),
    active: z.boolean(),
    notes: z.string().nullable(),
    source: z.enum(['config', 'api', 'oruk']),
    orukServiceId: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    updatedBy: z.string(),
  })
  .openapi('Agency');

type Row = typeof agencies.$inferSelect;

function fromRow(r: Row): Agency {
  return {
    code: r.code,
    label: r.label,
    type: r.type as Agency['type'],
    organization: r.organization,
    email: r.email,
    phone: r.phone,
    hours: r.hours ? (JSON.parse(r.hours) as Hours) : null,
    districts: JSON.parse(r.districts) as string[],
    escalationContacts: JSON.parse(r.escalationContacts) as Agency['escalationContacts'],
    contacts: JSON.parse(r.contacts) as Contact[],
    freeTextAllowed: r.freeTextAllowed,
    active: r.active,
    notes: r.notes,
    source: r.source as Agency['source'],
    orukServiceId: r.orukServiceId,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
  };
}

function toRow(a: Agency): Row {
  return {
    code: a.code,
    label: a.label,
    type: a.type,
    organization: a.organization,
    email: a.email,
    phone: a.phone,
    hours: a.hours ? JSON.stringify(a.hours) : null,
    districts: JSON.stringify(a.districts),
    escalationContacts: JSON.stringify(a.escalationContacts),
    contacts: JSON.stringify(a.contacts),
    freeTextAllowed: a.freeTextAllowed,
    active: a.active,
    source: a.source,
    orukServiceId: a.orukServiceId,
    notes: a.notes,
    version: a.version,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    updatedBy: a.updatedBy,
  };
}

/** The fields an admin (or an import) controls: what a change record compares. */
export const editable = (a: Agency): AgencyInput => ({
  label: a.label,
  type: a.type,
  organization: a.organization,
  email: a.email,
  phone: a.phone,
  hours: a.hours,
  districts: a.districts,
  escalationContacts: a.escalationContacts,
  contacts: a.contacts,
  freeTextAllowed: a.freeTextAllowed,
  active: a.active,
  notes: a.notes,
});

export const DIRECTORY_CHANGES = ['seeded', 'created', 'updated', 'deactivated', 'imported'] as const;
export type DirectoryChange = (typeof DIRECTORY_CHANGES)[number];

export class AgencyDirectory {
  constructor(readonly db: Db) {}

  get(code: string): Agency | null {
    const r = this.db.select().from(agencies).where(eq(agencies.code, code)).all()[0];
    return r ? fromRow(r) : null;
  }

  byOrukServiceId(id: string): Agency | null {
    const r = this.db.select().from(agencies).where(eq(agencies.orukServiceId, id)).all()[0];
    return r ? fromRow(r) : null;
  }

  list(): Agency[] {
    return this.db.select().from(agencies).orderBy(asc(agencies.code)).all().map(fromRow);
  }

  codes(): Set<string> {
    return new Set(
      this.db
        .select({ code: agencies.code })
        .from(agencies)
        .all()
        .map((r) => r.code),
    );
  }

  history(code: string) {
    return this.db
      .select()
      .from(agencyChanges)
      .where(eq(agencyChanges.agencyCode, code))
      .orderBy(asc(agencyChanges.id))
      .all()
      .map((c) => ({
        version: c.version,
        change: c.change as DirectoryChange,
        actorId: c.actorId,
        at: c.at,
        data: JSON.parse(c.data) as AgencyInput,
      }));
  }

  /** Insert or replace the row and append its change record; the caller holds the transaction. */
  write(a: Agency, change: DirectoryChange): Agency {
    const row = toRow(a);
    this.db.insert(agencies).values(row).onConflictDoUpdate({ target: agencies.code, set: row }).run();
    this.db
      .insert(agencyChanges)
      .values({
        agencyCode: a.code,
        version: a.version,
        change,
        actorId: a.updatedBy,
        at: a.updatedAt,
        data: JSON.stringify(editable(a)),
      })
      .run();
    return a;
  }

  transaction<T>(work: () => T): T {
    return this.db.$client.transaction(work).immediate();
  }
}

export function fromConfig(a: AgencyConfig, now: string): Agency {
  return {
    code: a.code,
    label: a.label,
    type: a.type,
    organization: a.organization,
    email: a.email,
    phone: a.phone,
    hours: a.hours,
    districts: a.districts,
    escalationContacts: a.escalationContacts,
    contacts: [],
    freeTextAllowed: a.freeTextAllowed,
    active: true,
    notes: null,
    source: 'config',
    orukServiceId: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    updatedBy: 'system',
  };
}

/**
 * Add the configured agencies the directory does not have yet (by code). Never overwrites: once an
 * agency is in the directory, the directory (what admins edited) wins. Returns the codes added.
 */
export function seedDirectory(db: Db, config: ForceConfig, now: string): string[] {
  const dir = new AgencyDirectory(db);
  return dir.transaction(() => {
    const have = dir.codes();
    const added: string[] = [];
    for (const a of config.agencies) {
      if (have.has(a.code)) continue;
      dir.write(fromConfig(a, now), 'seeded');
      added.push(a.code);
    }
    return added;
  });
}
