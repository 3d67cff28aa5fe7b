/**
 * Referral inputs → machine events. REFERRAL_MADE looks the agency up in the directory and stamps
 * the routing facts and force policy in effect (delivery, email address, response times for the
 * agency type, escalation ladder and partner escalation contacts, link expiry, coverage and hours),
 * so replaying the log never depends on today's directory or configuration.
 */
import { randomUUID } from 'node:crypto';
import type { ReferralRoute } from '../../machines/referral/index.js';
import { AgencyDirectory } from '../directory/directory.js';
import { isOpenAt } from '../directory/hours.js';
import { invalid, ruleViolation } from './refusal.js';
import type { Translators } from './translate-event.js';
import { getOrInsert } from '../lib/maps.js';

const directories = new WeakMap<object, AgencyDirectory>();

export const referralTranslators: Translators = {
  REFERRAL_MADE(deps, state, i, occurredAt) {
    const dir = getOrInsert(directories, deps.db, () => new AgencyDirectory(deps.db));
    const agency = dir.get(i.agency);
    if (!agency) {
      return invalid(`body.agency: unknown agency '${i.agency}'; GET /api/agencies lists the directory`, [
        { path: 'body.agency', message: `unknown agency '${i.agency}'` },
      ]);
    }
    if (!agency.active) {
      return ruleViolation({
        rule: 'R11',
        code: 'AGENCY_INACTIVE',
        message:
          `${agency.label} (${agency.code}) is not active in the directory: choose another agency, or ask an admin ` +
          `to review and activate it`,
      });
    }
    const config = deps.config;
    const delivery = config.referrals.contactMethodDelivery[i.contactMethod] ?? 'message';
    if (delivery === 'email' && !deps.mailEnabled) {
      return ruleViolation(
        {
          rule: null,
          code: 'EMAIL_NOT_CONFIGURED',
          message:
            `this server has no mail transport (SMTP_URL), so the referral cannot be emailed: contact ` +
            `${agency.label} another way (e.g. phone) and record that`,
        },
        'Email is not configured',
      );
    }
    const times = config.referrals.responseTimes.byAgencyType[agency.type] ?? config.referrals.responseTimes.default;
    const ctx = state.incident.context;
    const now = deps.clock.now().getTime();
    const route: ReferralRoute = {
      agencyLabel: agency.label,
      agencyType: agency.type,
      delivery,
      email: agency.email,
      freeTextAllowed: agency.freeTextAllowed,
      acknowledgeMinutes: times.acknowledgeMinutes,
      answerMinutes: times.answerMinutes,
      deliveryMinutes: config.referrals.deliveryMinutes,
      linkExpiresAt:
        delivery === 'email' ? new Date(now + config.referrals.linkValidityHours * 3_600_000).toISOString() : null,
      escalationLevels: config.referrals.escalation.levels.map((l) => ({
        level: l.level,
        label: l.label,
        notify: l.notify,
        responseMinutes: l.responseMinutes,
      })),
      escalationContacts: agency.escalationContacts.map((c) => ({
        level: c.level,
        role: c.role,
        phone: c.phone,
        email: c.email,
      })),
      coversDistrict:
        agency.districts.length === 0 ? true : ctx.district ? agency.districts.includes(ctx.district) : null,
      openAtReferral: isOpenAt(agency.hours, occurredAt, config.force.timezone),
    };
    return {
      type: 'REFERRAL_MADE',
      referralId: i.referralId ?? `ref-${randomUUID().slice(0, 8)}`,
      agency: agency.code,
      contactMethod: i.contactMethod,
      namedContact: i.namedContact,
      agencyReference: i.agencyReference ?? null,
      route,
      shared: {
        location: i.location ?? null,
        riskSummary: i.riskSummary ?? null,
        callbackRoute: i.callbackRoute ?? config.referrals.callbackRoute,
        narrative: i.narrative ?? null,
      },
    };
  },
  REFERRAL_ACKNOWLEDGED: (_d, _s, i) => ({
    ...i,
    acknowledgedBy: i.acknowledgedBy ?? null,
    agencyReference: i.agencyReference ?? null,
  }),
  REFERRAL_ANSWERED: (_d, _s, i) => ({
    ...i,
    reason: i.reason ?? null,
    agencyReference: i.agencyReference ?? null,
    respondent: i.respondent ?? null,
  }),
  REFERRAL_ESCALATED: (_d, _s, i) => ({ ...i, partnerContact: i.partnerContact ?? null, note: i.note ?? null }),
  REFERRAL_RESOLVED: (_d, _s, i) => ({ ...i, partnerContact: i.partnerContact ?? null, note: i.note ?? null }),
  REFERRAL_CALLER_INFORMED: (_d, _s, i) => ({ ...i, note: i.note ?? null }),
};
