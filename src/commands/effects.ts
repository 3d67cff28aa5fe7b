/**
 * Side effects a committed event promises, derived from the event and the states before and after
 * it, and written in the same transaction as the event (transactional outbox). Each source is a
 * function of (before, event, after); commitEvent applies what they return. Effects are not part of
 * replay: a rebuild recomputes projections only, so nothing is ever emailed twice by a rebuild.
 *
 *  - alert emails: a newly raised alert goes to the address configured for its `notify` role;
 *  - referral emails: a referral to be delivered by email is queued once (dedupe key per referral),
 *    with a signed partner response link; a queued email no longer wanted is cancelled (answered by
 *    phone, withdrawn, incident closed), or marked sent when the partner's answer through the link
 *    proves it arrived (so a crashed worker does not send it twice); an email merely late (no
 *    response recorded meanwhile) still goes. A withdrawn referral that had been emailed gets a
 *    withdrawal notice.
 */
import type { ReferralContext } from '../../machines/referral.machine.js';
import type { AggregateEvent, AggregateState } from '../domain/incident-aggregate.js';
import { childStateName } from '../domain/incident-aggregate.js';
import type { Projection, ProjectionRows } from '../domain/projection.js';
import { enqueueMail, settleMail, type MailToSend } from '../mail/outbox.js';
import { referralEmail, withdrawalEmail } from '../referrals/referral-email.js';
import type { CommandDeps } from './deps.js';

export type Effect =
  | { type: 'mail'; mail: MailToSend }
  | { type: 'settleMail'; dedupeKey: string; status: 'cancelled' | 'sent'; note: string };

export interface EffectInput {
  deps: CommandDeps;
  before: AggregateState;
  event: AggregateEvent;
  after: AggregateState;
  beforeRows: ProjectionRows | null;
  afterProjection: Projection;
}

type EffectSource = (x: EffectInput) => Effect[];

/** A newly raised alert is emailed to the address configured for its `notify` role, once. */
const alertMails: EffectSource = ({ deps, beforeRows, afterProjection: after }) => {
  if (!deps.mailEnabled) return [];
  const known = new Set((beforeRows?.alerts ?? []).map((a) => a.id));
  const out: Effect[] = [];
  for (const a of after.alerts) {
    if (known.has(a.id) || !a.notify) continue;
    const to = deps.config.alerts.emailTo[a.notify];
    if (!to) continue;
    const ref = after.incident.reference ?? after.incident.id;
    out.push({
      type: 'mail',
      mail: {
        dedupeKey: `alert:${a.id}`,
        kind: 'alert',
        incidentId: after.incident.id,
        recipient: to,
        subject: `[${a.severity.toUpperCase()}] ${a.rule} on incident ${ref}`,
        // Minimum necessary: rule, message and reference; no names, no free text from the call.
        body:
          `${a.message}\n\nIncident: ${ref} (id ${after.incident.id})\nRule: ${a.rule}\nRaised at: ${a.raisedAt} ` +
          `(UTC)\n`,
      },
    });
  }
  return out;
};

/** Referral states in which a not-yet-sent email is no longer wanted. */
const FINISHED = new Set(['accepted', 'declined', 'resolved', 'withdrawn']);

export const referralMailKey = (incidentId: string, referralId: string) => `referral:${incidentId}:${referralId}`;

const referralMails: EffectSource = ({ deps, before, event, after }) => {
  const out: Effect[] = [];
  const ictx = after.incident.context;
  const incident = { id: ictx.incidentId, reference: ictx.reference, category: ictx.category, district: ictx.district };
  const closedNow = ictx.closedAt !== null && before.incident.context.closedAt === null;
  for (const [id, snap] of Object.entries(after.children.referral)) {
    const r = snap.context as ReferralContext;
    const state = childStateName(snap);
    const prior = before.children.referral[id];
    const priorState = prior ? childStateName(prior) : null;
    const key = referralMailKey(incident.id, id);
    if (!prior && state === 'drafted') {
      // the translator refuses email referrals without mail; belt and braces
      if (!deps.mailEnabled || !r.route.email) continue;
      const link =
        deps.partnerLinks && r.route.linkExpiresAt
          ? deps.partnerLinks.url(deps.partnerLinks.token(incident.id, id, r.route.linkExpiresAt))
          : null;
      const { subject, body, html } = referralEmail({ config: deps.config, referral: r, incident, link });
      out.push({
        type: 'mail',
        mail: {
          dedupeKey: key,
          kind: 'referral',
          incidentId: incident.id,
          recipient: r.route.email,
          subject,
          body,
          html,
          correlation: id,
        },
      });
      continue;
    }
    // An email not yet recorded as sent: settle it once the referral no longer needs it.
    const unsent = r.route.delivery === 'email' && r.sentAt === null && event.type !== 'REFERRAL_SENT';
    if (unsent && prior && (priorState !== state || closedNow)) {
      if (event.actor.role === 'partner') {
        out.push({
          type: 'settleMail',
          dedupeKey: key,
          status: 'sent',
          note: 'delivery proven: the partner answered through the link in this email',
        });
      } else if (closedNow || FINISHED.has(state)) {
        out.push({
          type: 'settleMail',
          dedupeKey: key,
          status: 'cancelled',
          note: `not needed: ${closedNow ? 'the incident closed' : `referral ${state}`} before the email was sent`,
        });
      }
      // Otherwise (e.g. no response yet, or acknowledged by phone) the email still goes: late is better than never.
    }
    if (
      state === 'withdrawn' &&
      priorState !== 'withdrawn' &&
      r.route.delivery === 'email' &&
      r.sentAt !== null &&
      r.route.email &&
      deps.mailEnabled
    ) {
      const { subject, body, html } = withdrawalEmail({ config: deps.config, referral: r, incident });
      out.push({
        type: 'mail',
        mail: {
          dedupeKey: `${key}:withdrawn`,
          kind: 'referralWithdrawn',
          incidentId: incident.id,
          recipient: r.route.email,
          subject,
          body,
          html,
          correlation: id,
        },
      });
    }
  }
  return out;
};

export const EFFECT_SOURCES: readonly EffectSource[] = [alertMails, referralMails];

export function applyEffects(deps: CommandDeps, x: EffectInput, now: string): void {
  for (const source of EFFECT_SOURCES) {
    for (const e of source(x)) {
      if (e.type === 'mail') enqueueMail(deps.db, e.mail, now);
      else settleMail(deps.db, e.dedupeKey, e.status, now, e.note);
    }
  }
}
