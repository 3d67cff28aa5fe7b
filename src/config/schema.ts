/**
 * Everything that differs by force ("configuration, not code": docs/configuration.md). Validated at start;
 * an invalid file stops the server with a message naming the field.
 */
import { z } from 'zod';
import { PLACE_TYPES } from '../../machines/detention/index.js';
import { DELIVERIES } from '../../machines/referral/index.js';
import { ROLES as USER_ROLES } from '../../machines/kit.js';
import { narrowPolicy, PolicyWideningError } from '../access/policy.js';

const code = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'a short code: letters, digits, _ or -, starting with a letter');

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
  /**
   * R1a: an immediate grade may be set (and police sent) on an obvious threat before THRIVE; the THRIVE
   * must then follow within `thriveWithinMinutes` (an alert to `notify` if not) and before closure.
   * null: the grade needs THRIVE first (R1).
   */
  immediate: z
    .object({
      thriveWithinMinutes: z
        .number()
        .int()
        .min(1)
        .max(24 * 60)
        .default(30),
      notify: z.string().min(1).default('supervisor'),
    })
    .nullable()
    .default(null),
});

const category = z
  .object({
    code,
    label: z.string().min(1),
    /** In Right Care Right Person scope: R8 threshold answers and a decision are required. */
    rcrp: z.boolean(),
    rcrpPhase: z.number().int().min(1).max(4).nullable(),
    /**
     * R14: the category is only for patients liable to be detained (AWOL under MHA s.18): the subject's
     * MHA legal status must be a detained, CTO or guardianship code; informal (01) is refused.
     */
    requiresDetainedLegalStatus: z.boolean().default(false),
  })
  .refine((c) => c.rcrp === (c.rcrpPhase !== null), {
    message: 'rcrpPhase must be set exactly when rcrp is true',
    path: ['rcrpPhase'],
  });

/** Opening hours: always open, or weekly sessions in the force's local time (closes < opens = overnight). */
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM');
export const hoursSchema = z.object({
  alwaysOpen: z.boolean(),
  sessions: z.array(z.object({ days: z.array(z.enum(WEEKDAYS)).min(1), opens: hhmm, closes: hhmm })).default([]),
});
export type Hours = z.infer<typeof hoursSchema>;

/** Who to ring or email at the partner when a referral is escalated to a given ladder level (R13). */
export const escalationContactSchema = z.object({
  level: z.number().int().min(1),
  role: z.string().min(1).max(200),
  phone: z.string().max(40).nullable().default(null),
  email: z.email().nullable().default(null),
});
export type EscalationContact = z.infer<typeof escalationContactSchema>;

/**
 * A partner agency as the force configuration lists it. This list seeds the agency directory (a
 * database table admins edit and Open Referral UK imports fill): codes missing from the directory
 * are added on start; the directory is what referrals use.
 */
const agency = z.object({
  code,
  label: z.string().min(1),
  type: z.enum(AGENCY_TYPES),
  organization: z.string().min(1).nullable().default(null),
  /** Where referral emails go (a secure, monitored mailbox); null = phone only. */
  email: z.email().nullable().default(null),
  phone: z.string().max(40).nullable().default(null),
  hours: hoursSchema.nullable().default(null),
  /** Districts covered; empty = the whole force area. */
  districts: z.array(z.string().min(1)).default([]),
  escalationContacts: z.array(escalationContactSchema).default([]),
  /** Whether the referral email may carry the free-text narrative (minimum necessary otherwise). */
  freeTextAllowed: z.boolean().default(false),
});

const responseTimes = z.object({
  /** Minutes after the referral reached the agency by which it must be acknowledged; null = no clock. */
  acknowledgeMinutes: z.number().int().positive().nullable(),
  /** Minutes after the referral reached the agency by which it must be accepted or declined; null = no clock. */
  answerMinutes: z.number().int().positive().nullable(),
});

const escalationLevel = z.object({
  level: z.number().int().min(1),
  label: z.string().min(1),
  /** Role alerted (alerts.emailTo key) when a referral reaches this level. */
  notify: z.string().min(1),
  /** Minutes at this level without an outcome before the referral climbs to the next level; null = no clock. */
  responseMinutes: z.number().int().positive().nullable(),
});

const referrals = z
  .object({
    /** How each contact method reaches the agency: email (sent by this system), message (portal, fax …), conversation
     * (spoke to a person). */
    contactMethodDelivery: z.record(z.string(), z.enum(DELIVERIES)),
    responseTimes: z.object({
      default: responseTimes,
      byAgencyType: z.partialRecord(z.enum(AGENCY_TYPES), responseTimes).default({}),
    }),
    /** An email referral not handed to the mail server within this many minutes counts as no response. */
    deliveryMinutes: z.number().int().positive().nullable(),
    /** How long the partner response link in the email stays valid. */
    linkValidityHours: z
      .number()
      .positive()
      .max(24 * 30),
    /** Printed in every referral: how the partner reaches the control room (and gets the person's details). */
    callbackRoute: z.string().min(1).max(300),
    /** R13: the escalation ladder, lowest level first. */
    escalation: z.object({ levels: z.array(escalationLevel) }),
  })
  .superRefine((r, ctx) => {
    r.escalation.levels.forEach((l, i) => {
      if (l.level !== i + 1)
        ctx.addIssue({
          code: 'custom',
          message: `levels must be numbered 1, 2, 3 … in order; expected ${i + 1}`,
          path: ['escalation', 'levels', i, 'level'],
        });
    });
  });

/** A list of coded items whose codes must be unique (checked even when sibling fields are invalid). */
const codedList = <T extends z.ZodType<{ code: string }>>(item: T) =>
  z
    .array(item)
    .min(1)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        if (seen.has(it.code))
          ctx.addIssue({ code: 'custom', message: `duplicate code '${it.code}'`, path: [i, 'code'] });
        seen.add(it.code);
      });
    });

/** Place-of-safety types (s.135(6)–(8), s.136A), defined with the s.136 machine; the ADR's "first place of safety"
 * groups them (docs/detentions.md). */
export const PLACE_OF_SAFETY_TYPES = PLACE_TYPES;

const minutesBefore = z
  .number()
  .int()
  .positive()
  .max(24 * 60);

/** MHA s.135/s.136 settings (rules R16–R37, R42 in docs/rules.md). Stamped into each detention when it starts. */
const s136 = z.object({
  /** R23: warnings this many minutes before the clock expires (default T−6 h, T−2 h). */
  clockWarningsMinutesBeforeExpiry: z.array(minutesBefore).max(6),
  /** R35: NHS acceptance expected within this many minutes of arrival (the NPA's one hour). */
  handoverMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
  /** R35: whether the one-hour expectation also applies at emergency departments ([U] local agreement). */
  handoverRuleAtEmergencyDepartments: z.boolean(),
  /** R37: flag an assessment that has not started this many hours after the clock started. */
  assessmentStartFlagHours: z.number().positive().max(24),
  /** Pending legislation may remove police stations as a place of safety (R25). */
  policeStationAsPlaceOfSafety: z.boolean(),
  /** R26: longest gap between healthcare-professional welfare checks at a police station (reg 4). */
  healthcareCheckMinutes: z.number().int().positive().max(240),
  /** R17: special constables are constables in law ([U] confirm force policy). */
  specialConstablesMayDetain: z.boolean(),
  /** Who is told (a role; its address is in alerts.emailTo). */
  notify: z.object({
    clockWarning: z.string().min(1),
    clockExpired: z.string().min(1),
    handover: z.string().min(1),
    healthcareCheck: z.string().min(1),
    conveyance: z.string().min(1),
    release: z.string().min(1),
    assessmentDelay: z.string().min(1),
    childAtPoliceStation: z.string().min(1),
  }),
  /** Known places of safety, so officers pick one instead of typing it. */
  placesOfSafety: codedList(z.object({ code, label: z.string().min(1), type: z.enum(PLACE_OF_SAFETY_TYPES) })),
  adr: z.object({
    /** R42 [U]: which moment puts a detention in a financial year (the decision to detain, or the clock start). */
    countingDate: z.enum(['detentionDecision', 'clockStart']),
    /** Reasons a police station was used ([U] Home Office codes not found). Include a "notKnown" code. */
    policeStationReasons: codedList(z.object({ code, label: z.string().min(1) })),
  }),
});

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * OpenID Connect sign-in for the console (the force's identity provider, e.g. Microsoft Entra ID).
 * The client secret is not here: it comes from the environment (OIDC_CLIENT_SECRET).
 */
const oidcSchema = z.object({
  /** Shown on the sign-in page: "Sign in with <providerName>". */
  providerName: z.string().min(1).max(80),
  /** The issuer URL (discovery at <issuer>/.well-known/openid-configuration). https, or http on this machine only. */
  issuer: z.url().refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'the issuer must be an https URL (http only for a provider on this machine: localhost or 127.0.0.1)'),
  clientId: z.string().min(1),
  /** Registered at the provider; its path must be /sign-in/oidc/callback. */
  redirectUrl: z
    .url()
    .refine((u) => new URL(u).pathname === '/sign-in/oidc/callback', 'the path must be /sign-in/oidc/callback'),
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  /** The ID token claim that carries the user's app roles or groups (Entra ID: "roles" or "groups"). */
  roleClaim: z.string().min(1),
  /** Claim value (app role value or group object id) → role. The first entry the user has decides. */
  roleMapping: z.array(z.object({ claimValue: z.string().min(1), role: z.enum(USER_ROLES) })).min(1),
  /** The claim shown as the user's name. */
  nameClaim: z.string().min(1).default('name'),
});
export type OidcConfig = z.infer<typeof oidcSchema>;

/** Console sessions and sign-in (ACCESS.md "Sign-in and sessions"). */
const signInSchema = z.object({
  /** A session unused this long ends (control-room PCs are shared). */
  idleTimeoutMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  /** A session ends this long after sign-in, however active (a shift). */
  absoluteTimeoutHours: z.number().int().min(1).max(24).default(12),
  /** TLS is terminated in front of this server: cookies get Secure (and the __Host- prefix). */
  tlsTerminatedInFront: z.boolean().default(false),
  /** null: no identity provider; sign-in with an API token only. */
  oidc: oidcSchema.nullable().default(null),
});

/** HTTP details that depend on how the server is deployed. */
const webSchema = z.object({
  /**
   * A proxy in front sets X-Forwarded-For: take the client address from its last entry. Leave false
   * when clients reach this server directly (the header could then be forged).
   */
  trustForwardedFor: z.boolean().default(false),
  /** Partner link requests (GET and POST /partner/referrals/…) allowed per client address per window. */
  partnerLinkRateLimit: z
    .object({ requests: z.number().int().min(1).max(10_000), windowSeconds: z.number().int().min(1).max(3600) })
    .default({ requests: 30, windowSeconds: 60 }),
});

/**
 * Settings that used to list roles and are now the access policy's (with the operation that took
 * them over): a configuration that still has one is refused, saying where it went, since silently
 * ignoring it could leave a force believing it had narrowed access.
 */
export const MOVED_TO_ACCESS: ReadonlyArray<{ path: readonly string[]; operation: string }> = [
  { path: ['reporting', 'viewRoles'], operation: 'reports.read' },
  { path: ['reporting', 'suppressedRoles'], operation: 'reports.read' },
  { path: ['reporting', 'highIntensity', 'viewRoles'], operation: 'handover.audit' },
];

/** The reason codes a person may give for reading a closed record (DPA 2018 s.62(2)(a)). */
export const DEFAULT_ACCESS_REASONS = [
  { code: 'followUp', label: 'Follow-up of this incident' },
  { code: 'detentionReview', label: 'Review of a detention' },
  { code: 'complaintOrIopc', label: 'Complaint or IOPC referral' },
  { code: 'courtOrCoroner', label: 'Court or coroner' },
  { code: 'safeguarding', label: 'Safeguarding' },
  { code: 'dataQuality', label: 'Data quality correction' },
];

/** Least privilege (docs/access.md): narrowing the role matrix, justifying closed reads, tokens, failed sign-ins. */
const accessSchema = z.object({
  /**
   * Operation → the roles that keep it. Narrows the built-in matrix (docs/access.md); naming a role the
   * matrix does not grant fails at start, naming the entry.
   */
  narrow: z.record(z.string(), z.array(z.enum(USER_ROLES))).default({}),
  /** A record closed longer than this needs a reason to be read (0: as soon as it closes). */
  closedRecordGraceHours: z
    .number()
    .min(0)
    .max(24 * 366)
    .default(24),
  /** The reasons a person can give to read a closed record; `code` goes in X-Access-Reason and the access log. */
  reasons: z
    .array(z.object({ code, label: z.string().min(1).max(80) }))
    .min(1)
    .default(DEFAULT_ACCESS_REASONS),
  /** An API token stops working this many days after it was issued. */
  tokenLifetimeDays: z.number().int().min(1).max(3660).default(90),
  /** Failed authentications (bad or expired token, at /sign-in or on the API) allowed per client address per window. */
  failedAuthenticationLimit: z
    .object({ attempts: z.number().int().min(1).max(10_000), windowSeconds: z.number().int().min(1).max(3600) })
    .default({ attempts: 10, windowSeconds: 60 }),
});
export type AccessConfig = z.infer<typeof accessSchema>;

/** A published figure with where it comes from (every figure a report quotes names its source). */
const sourcedFigure = z.object({
  value: z.number().int().positive(),
  /** What it counts and when, e.g. "usual residents, Census day 21 March 2021". */
  description: z.string().min(1),
  source: z.string().min(1),
});

export const forceConfigSchema = z
  .object({
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
    repeatContact: z.object({
      windowHours: z
        .number()
        .positive()
        .max(24 * 90),
    }),
    time: z.object({ futureToleranceSeconds: z.number().int().min(0).max(3600) }),
    /** Kinds of police resource that can be dispatched (the time ledger, R38). */
    resourceTypes: z
      .array(code)
      .min(1)
      .default(['response', 'neighbourhood', 'mentalHealthTriage', 'roadsPolicing', 'dogUnit', 'supervisor', 'other']),
    reporting: z.object({
      /** R44: PCC/public outputs suppress any cell below this (and cells derived from fewer units). */
      suppressionThreshold: z.number().int().min(1),
      /** Government Security Classification printed in the header and footer of the evidence pack and workbook. */
      protectiveMarking: z.string().min(1).max(60).default('OFFICIAL-SENSITIVE'),
      /** The force area's population, for rates per 100,000 people; null = no rates. */
      population: sourcedFigure.nullable().default(null),
      /**
       * Published s.136 detentions for England and Wales by financial year ("2023/24"), with the population
       * the national rate per 100,000 is worked out on; null = no national comparison.
       */
      nationalS136: z
        .object({
          source: z.string().min(1),
          byYear: z.record(
            z.string().regex(/^\d{4}\/\d{2}$/, 'a financial year such as 2023/24'),
            z.number().int().min(0),
          ),
          population: sourcedFigure,
        })
        .nullable()
        .default(null),
      /** R41: a person with at least `minIncidents` incidents within `windowDays` is high-intensity. */
      highIntensity: z
        .object({
          minIncidents: z.number().int().min(2).max(1000),
          windowDays: z.number().int().min(1).max(3660),
        })
        .default({ minIncidents: 5, windowDays: 90 }),
    }),
    s136,
    alerts: z.object({
      /** Email address per `notify` role; alerts for a role with no address are not emailed. */
      emailTo: z.record(z.string(), z.email()),
    }),
    referrals,
    signIn: signInSchema.default({
      idleTimeoutMinutes: 15,
      absoluteTimeoutHours: 12,
      tlsTerminatedInFront: false,
      oidc: null,
    }),
    web: webSchema.default({ trustForwardedFor: false, partnerLinkRateLimit: { requests: 30, windowSeconds: 60 } }),
    access: accessSchema.default({
      narrow: {},
      closedRecordGraceHours: 24,
      reasons: DEFAULT_ACCESS_REASONS,
      tokenLifetimeDays: 90,
      failedAuthenticationLimit: { attempts: 10, windowSeconds: 60 },
    }),
  })
  .superRefine((c, ctx) => {
    try {
      narrowPolicy(c.access.narrow);
    } catch (e) {
      if (!(e instanceof PolicyWideningError)) throw e;
      ctx.addIssue({ code: 'custom', message: e.message, path: ['access', 'narrow'] });
    }
    const reasonCodes = c.access.reasons.map((r) => r.code);
    if (new Set(reasonCodes).size !== reasonCodes.length)
      ctx.addIssue({ code: 'custom', message: 'each reason code once', path: ['access', 'reasons'] });
    for (const m of Object.keys(c.referrals.contactMethodDelivery)) {
      if (!c.contactMethods.includes(m))
        ctx.addIssue({
          code: 'custom',
          message: `'${m}' is not one of contactMethods`,
          path: ['referrals', 'contactMethodDelivery', m],
        });
    }
    c.agencies.forEach((a, i) => {
      a.districts.forEach((d, j) => {
        if (!c.districts.includes(d))
          ctx.addIssue({
            code: 'custom',
            message: `'${d}' is not one of districts`,
            path: ['agencies', i, 'districts', j],
          });
      });
    });
  });

export type ForceConfig = z.infer<typeof forceConfigSchema>;
/** A configuration as written (fields with defaults may be left out). */
export type ForceConfigInput = z.input<typeof forceConfigSchema>;
export type GradeConfig = ForceConfig['grades'][number];
export type AgencyConfig = ForceConfig['agencies'][number];
export type AgencyType = (typeof AGENCY_TYPES)[number];
export type { Delivery } from '../../machines/referral/index.js';
