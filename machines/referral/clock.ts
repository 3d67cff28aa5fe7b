/**
 * A referral's clocks (rows the scheduler sweeps): delivery of the email, the partner's
 * acknowledgement and answer (minutes per agency type, stamped in the route), and each escalation
 * level. Keys are unique over the referral's life. Also the flag raised when the email's clock runs
 * out; what the other clocks do when they fire is in reduce.ts (silence, then the ladder).
 */
import { addMinutes, type DeadlineSpec, type EventMeta, type Flag, type Violation, v } from '../kit.js';
import { agencyName, openEscalation, type ReferralContext } from './events.js';
import { CLOCK_RULES } from './rules.js';

/** The clocks this referral needs watched in state `state`, and whether each has fired. */
export function referralDeadlines(state: string, ctx: ReferralContext): Array<DeadlineSpec & { fired: boolean }> {
  const r = ctx.route;
  const out: DeadlineSpec[] = [];
  const reached = ctx.sentAt ?? ctx.madeAt;
  const { delivery, response } = CLOCK_RULES;
  if (state === 'drafted' && r.deliveryMinutes !== null)
    out.push({
      key: 'delivery',
      rule: delivery,
      kind: 'referralDelivery',
      dueAt: addMinutes(ctx.madeAt, r.deliveryMinutes),
    });
  if (state === 'sent' && r.acknowledgeMinutes !== null)
    out.push({
      key: 'ack',
      rule: response,
      kind: 'referralAcknowledgement',
      dueAt: addMinutes(reached, r.acknowledgeMinutes),
    });
  if ((state === 'sent' || state === 'acknowledged') && r.answerMinutes !== null)
    out.push({ key: 'answer', rule: response, kind: 'referralAnswer', dueAt: addMinutes(reached, r.answerMinutes) });
  const open = state === 'escalated' ? openEscalation(ctx) : null;
  if (open) {
    const policy = r.escalationLevels.find((l) => l.level === open.level);
    const hasNext = r.escalationLevels.some((l) => l.level > open.level);
    if (policy?.responseMinutes != null && hasNext) {
      out.push({
        key: `escalation:${open.level}`,
        rule: response,
        kind: 'referralEscalation',
        dueAt: addMinutes(open.openedAt, policy.responseMinutes),
      });
    }
  }
  return out.map((d) => ({ ...d, fired: ctx.firedDeadlines.includes(d.key) }));
}

/** DEADLINE_REACHED is taken only for a clock the referral still watches in its state and that has not fired. */
export function referralDeadlineViolation(state: string, ctx: ReferralContext, key: string): Violation | null {
  const live = referralDeadlines(state, ctx).some((d) => d.key === key && !d.fired);
  return live ? null : v(null, 'DEADLINE_NOT_LIVE', `deadline ${key} no longer applies`);
}

/** The email was not handed to the mail server in time: phone the agency. */
export function undeliveredFlag(ctx: ReferralContext, e: EventMeta): Flag {
  return {
    key: 'undelivered',
    rule: CLOCK_RULES.delivery,
    severity: 'warning',
    message:
      `the referral email to ${agencyName(ctx)} (referral ${ctx.referralId}) was not delivered within ` +
      `${ctx.route.deliveryMinutes} min: contact the agency by phone`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: ctx.route.escalationLevels[0]?.notify ?? null,
  };
}
