/**
 * Everything that differs by force (DOMAIN.md: "configuration, not code"). Validated at start;
 * an invalid file stops the server with a message naming the field.
 */
import { z } from 'zod';
import { ROLES as USER_ROLES } from '../../machines/types.js';

const code = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'a short code: letters, digits, _ or -, starting with a letter');

export const AGENCY_TYPES = [
  'nhs111MentalHealth',
  'crisisTeam',
  'ambulance',
  'amhpService',
  'adultSocialCare',
  'childrensSocialCare',
  'emergencyDepartment',
  'primaryCare',
  'liaisonAndDiversion',
  'voluntarySector',
  'familyOrCarer',
  'other',
] as const;

const attendanceTarget = z
  .object({
    /** R4: whether the clock runs from call receipt or from dispatch. */
    startEvent: z.enum(['callReceived', 'dispatched']),
    minutes: z.number().int().positive().optional(),
    urbanMinutes: z.number().int().positive().optional(),
    ruralMinutes: z.number().int().positive().optional(),
  })
  .refine((t) => (t.minutes !== undefined) !== (t.urbanMinutes !== undefined && t.ruralMinutes !== undefined), {
    message: 'give either minutes, or both urbanMinutes and ruralMinutes',
  });

const grade = z.object({
  code,
  label: z.string().min(1),
  requiresDeployment: z.boolean(),
  attendanceTarget: attendanceTarget.nullable(),
  /** R6: flag an incident still unresourced this long after grading, to this role. */
  unresourcedAlert: z.object({ afterMinutes: z.number().int().min(0), notify: z.string().min(1) }).nullable(),
});

const category = z
  .object({
    code,
    label: z.string().min(1),
    /** In Right Care Right Person scope: R8 threshold answers and a decision are required. */
    rcrp: z.boolean(),
    rcrpPhase: z.number().int().min(1).max(4).nullable(),
  })
  .refine((c) => c.rcrp === (c.rcrpPhase !== null), { message: 'rcrpPhase must be set exactly when rcrp is true', path: ['rcrpPhase'] });

const agency = z.object({
  code,
  label: z.string().min(1),
  type: z.enum(AGENCY_TYPES),
});

/** A list of coded items whose codes must be unique (checked even when sibling fields are invalid). */
const codedList = <T extends z.ZodType<{ code: string }>>(item: T) =>
  z
    .array(item)
    .min(1)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        if (seen.has(it.code)) ctx.addIssue({ code: 'custom', message: `duplicate code '${it.code}'`, path: [i, 'code'] });
        seen.add(it.code);
      });
    });

export const forceConfigSchema = z.object({
    force: z.object({ name: z.string().min(1), code, timezone: z.string().min(1) }),
    districts: z.array(z.string().min(1)).min(1),
    grades: codedList(grade),
    categories: codedList(category),
    agencies: codedList(agency),
    contactMethods: z.array(code).min(1),
    closureCodes: z.array(code).min(1),
    resolutionCodes: z.array(code).min(1),
    rcrp: z.object({
      childrenExcluded: z.boolean(),
      /** R10: 'flag' raises an alert; 'requireDeploy' refuses a no-deploy decision for a child. */
      childExclusionAction: z.enum(['flag', 'requireDeploy']),
      goLiveDate: z.iso.date().nullable(),
    }),
    repeatContact: z.object({ windowHours: z.number().positive().max(24 * 90) }),
    time: z.object({ futureToleranceSeconds: z.number().int().min(0).max(3600) }),
    /** Kinds of police resource that can be dispatched (the time ledger, R38). */
    resourceTypes: z.array(code).min(1).default(['response', 'neighbourhood', 'mentalHealthTriage', 'roadsPolicing', 'dogUnit', 'supervisor', 'other']),
    reporting: z.object({
      /** R44: PCC/public outputs suppress any cell below this (and cells derived from fewer units). */
      suppressionThreshold: z.number().int().min(1),
      /** Roles that may read demand reports and the evidence pack (every view is audited). */
      viewRoles: z.array(z.enum(USER_ROLES)).min(1).default(['pcc_analyst', 'mh_lead', 'supervisor', 'admin']),
      /** Roles whose outputs are always suppressed (R44). */
      suppressedRoles: z.array(z.enum(USER_ROLES)).default(['pcc_analyst']),
      /** R41: a person with at least `minIncidents` incidents within `windowDays` is high-intensity. */
      highIntensity: z
        .object({
          minIncidents: z.number().int().min(2).max(1000),
          windowDays: z.number().int().min(1).max(3660),
          /** Roles that may see whether one incident's subject is high-intensity (audited). */
          viewRoles: z.array(z.enum(USER_ROLES)).default(['mh_lead', 'supervisor', 'admin']),
        })
        .default({ minIncidents: 5, windowDays: 90, viewRoles: ['mh_lead', 'supervisor', 'admin'] }),
    }),
    alerts: z.object({
      /** Email address per `notify` role; alerts for a role with no address are not emailed. */
      emailTo: z.record(z.string(), z.email()),
    }),
  });

export type ForceConfig = z.infer<typeof forceConfigSchema>;
export type GradeConfig = ForceConfig['grades'][number];
