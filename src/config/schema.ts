/**
 * Everything that differs by force (DOMAIN.md: "configuration, not code"). Validated at start;
 * an invalid file stops the server with a message naming the field.
 */
import { z } from 'zod';

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

const category = z.object({
  code,
  label: z.string().min(1),
  /** In Right Care Right Person scope: R8 threshold answers and a decision are required. */
  rcrp: z.boolean(),
  rcrpPhase: z.number().int().min(1).max(4).nullable(),
});

const agency = z.object({
  code,
  label: z.string().min(1),
  type: z.enum(AGENCY_TYPES),
});

const unique = <T>(items: T[], key: (t: T) => string, ctx: z.RefinementCtx, path: string) => {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    const k = key(it);
    if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `duplicate code '${k}'`, path: [path, i, 'code'] });
    seen.add(k);
  });
};

export const forceConfigSchema = z
  .object({
    force: z.object({ name: z.string().min(1), code, timezone: z.string().min(1) }),
    districts: z.array(z.string().min(1)).min(1),
    grades: z.array(grade).min(1),
    categories: z.array(category).min(1),
    agencies: z.array(agency).min(1),
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
    reporting: z.object({ suppressionThreshold: z.number().int().min(1) }),
    alerts: z.object({
      /** Email address per `notify` role; alerts for a role with no address are not emailed. */
      emailTo: z.record(z.string(), z.email()),
    }),
  })
  .superRefine((c, ctx) => {
    unique(c.grades, (g) => g.code, ctx, 'grades');
    unique(c.categories, (g) => g.code, ctx, 'categories');
    unique(c.agencies, (g) => g.code, ctx, 'agencies');
    c.categories.forEach((cat, i) => {
      if (cat.rcrp !== (cat.rcrpPhase !== null)) {
        ctx.addIssue({ code: 'custom', message: 'rcrpPhase must be set exactly when rcrp is true', path: ['categories', i, 'rcrpPhase'] });
      }
    });
  });

export type ForceConfig = z.infer<typeof forceConfigSchema>;
export type GradeConfig = ForceConfig['grades'][number];
