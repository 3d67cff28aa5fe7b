/**
 * What a user may POST about referrals (merged into the incident's event inputs). Shapes only:
 * whether it is allowed now, and the rules R11–R13, are the referral machine's job (422 naming the
 * rule). The agency is a directory code, checked against the directory by the translator.
 */
import { z } from '@hono/zod-openapi';
import {
  ESCALATION_REASONS,
  REFERRAL_ANSWERS,
  RESOLUTION_OUTCOMES,
  WHO_WILL_ATTEND,
} from '../../machines/referral/index.js';
import { RANKS } from '../../machines/ranks.js';
import type { ForceConfig } from '../config/schema.js';
import { inputParts } from './input-parts.js';

const referralId = z.string().min(1).max(64);
const person = z.strictObject({ name: z.string().max(200), rank: z.enum(RANKS) }).openapi('PersonWithRank', {
  description: 'Who did it: name and rank (police staff supervisors: controlRoomSupervisor)',
});

export function referralEventInputs(config: ForceConfig) {
  const { text, enumOf, at, note } = inputParts;
  const contactMethod = enumOf(config.contactMethods);
  return {
    REFERRAL_MADE: z
      .strictObject({
        type: z.literal('REFERRAL_MADE'),
        ...at,
        referralId: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/)
          .optional()
          .openapi({ description: 'Generated when omitted' }),
        agency: z
          .string()
          .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'an agency code from the directory (GET /api/agencies)')
          .openapi({ description: 'Agency code from the directory (GET /api/agencies)' }),
        contactMethod: contactMethod.openapi({
          description:
            'How the referral reaches the agency; configuration says which are emailed by this system ' +
            '(referrals.contactMethodDelivery)',
        }),
        namedContact: text(200).openapi({ description: 'The named role or person contacted (R11)' }),
        agencyReference: note(100),
        location: note(500).openapi({ description: 'Where the partner should go or look (shared with the partner)' }),
        riskSummary: note(1000).openapi({
          description:
            'Minimum-necessary risk summary for the partner; required for written referrals (R11). No names or ' +
            'identifiers: those go by phone',
        }),
        callbackRoute: note(300).openapi({
          description: 'How the partner reaches the control room; defaults to referrals.callbackRoute',
        }),
        narrative: note(4000).openapi({
          description: 'Free-text narrative, only for agencies configured to receive it',
        }),
      })
      .openapi('ReferralMade'),
    REFERRAL_ACKNOWLEDGED: z
      .strictObject({
        type: z.literal('REFERRAL_ACKNOWLEDGED'),
        ...at,
        referralId,
        acknowledgedBy: note(200),
        agencyReference: note(100),
      })
      .openapi('ReferralAcknowledged'),
    REFERRAL_ANSWERED: z
      .strictObject({
        type: z.literal('REFERRAL_ANSWERED'),
        ...at,
        referralId,
        answer: z.enum(REFERRAL_ANSWERS),
        reason: note(2000).openapi({ description: 'Required for a decline (R11)' }),
        agencyReference: note(100),
        respondent: note(200).openapi({ description: 'Who at the agency answered' }),
      })
      .openapi('ReferralAnswered'),
    REFERRAL_ESCALATED: z
      .strictObject({
        type: z.literal('REFERRAL_ESCALATED'),
        ...at,
        referralId,
        level: z.number().int().min(1).max(20).openapi({
          description: 'Escalation ladder level (referrals.escalation.levels, R13); above the current one',
        }),
        reason: z.enum(ESCALATION_REASONS),
        escalatedBy: person,
        partnerContact: note(200).openapi({ description: 'Who at the partner was contacted' }),
        note: note(2000),
      })
      .openapi('ReferralEscalated'),
    REFERRAL_RESOLVED: z
      .strictObject({
        type: z.literal('REFERRAL_RESOLVED'),
        ...at,
        referralId,
        outcome: z.enum(RESOLUTION_OUTCOMES),
        resolvedBy: person,
        partnerContact: note(200),
        note: note(2000),
      })
      .openapi('ReferralResolved'),
    REFERRAL_CALLER_INFORMED: z
      .strictObject({
        type: z.literal('REFERRAL_CALLER_INFORMED'),
        ...at,
        referralId,
        whoWillAttend: z
          .enum(WHO_WILL_ATTEND)
          .openapi({ description: 'What the caller was told about who will attend (IOPC learning)' }),
        method: text(100).min(1).openapi({ example: 'phone call back' }),
        note: note(2000),
      })
      .openapi('ReferralCallerInformed'),
    REFERRAL_WITHDRAWN: z
      .strictObject({ type: z.literal('REFERRAL_WITHDRAWN'), ...at, referralId, reason: text(1000) })
      .openapi('ReferralWithdrawn'),
  };
}
