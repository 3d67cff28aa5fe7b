/**
 * The referral email: a minimum-necessary summary (reference, category, location, risk summary,
 * callback route, what is asked and by when) and the partner response link. No names, dates of
 * birth or NHS numbers — the partner rings the callback route for those. The free-text narrative is
 * included only for agencies configured to receive it (and the machine refuses it otherwise).
 */
import type { ReferralContext } from '../../machines/referral.machine.js';
import { addMinutes } from '../../machines/types.js';
import type { ForceConfig } from '../config/schema.js';
import { type MessageBlock, type MessageDocument, renderMessage } from '../mail/message.js';

export interface ReferralEmailInput {
  config: ForceConfig;
  referral: ReferralContext;
  incident: { id: string; reference: string | null; category: string; district: string | null };
  link: string | null;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
/** "Mon, 23 Nov 2026, 21:15" in the force's time zone. */
export function localTime(iso: string, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f.format(new Date(iso)).replace(' at ', ', ');
}

/** "21:15" in the force's time zone. */
export function localClock(iso: string, timeZone: string): string {
  return localTime(iso, timeZone).slice(-5);
}

export function categoryLabel(config: ForceConfig, code: string): string {
  return config.categories.find((c) => c.code === code)?.label ?? code;
}

/** The referral email as one document: the plain-text and HTML parts both come from it. */
export function referralMessage(x: ReferralEmailInput): MessageDocument {
  const { config, referral: r, incident } = x;
  const tz = config.force.timezone;
  const ref = incident.reference ?? incident.id;
  const category = categoryLabel(config, incident.category);
  // The clocks start when the email reaches the agency; "by" times are the earliest they can be.
  const ackBy = r.route.acknowledgeMinutes !== null ? addMinutes(r.madeAt, r.route.acknowledgeMinutes) : null;
  const answerBy = r.route.answerMinutes !== null ? addMinutes(r.madeAt, r.route.answerMinutes) : null;
  const subject =
    `${config.force.name} referral ${ref}: ` +
    `${category}${answerBy ? ` — please answer by ${localClock(answerBy, tz)}` : ''}`;
  const blocks: MessageBlock[] = [
    { kind: 'title', text: `${config.force.name} control room referral (Right Care, Right Person)` },
    {
      kind: 'fields',
      rows: [
        ['To', `${r.route.agencyLabel} (${r.namedContact})`],
        ['Reference', `${ref} (referral ${r.referralId})`],
        ['Referred', `${localTime(r.madeAt, tz)} (UK time)`],
        ['Category', category],
        ...(incident.district ? [['District', incident.district] as const] : []),
        ['Location', r.shared.location ?? 'not given: ask on the callback route'],
        ['Risk summary', r.shared.riskSummary ?? ''],
      ],
    },
    ...(r.shared.narrative && r.route.freeTextAllowed
      ? [{ kind: 'section', title: 'Narrative', text: r.shared.narrative } as const]
      : []),
    {
      kind: 'list',
      title: 'What we ask',
      items: [
        `acknowledge that you have this ` +
          `referral${ackBy ? ` within ${r.route.acknowledgeMinutes} minutes (by about ${localTime(ackBy, tz)})` : ''}`,
        `accept or decline it (with your ` +
          `reason)${answerBy ? ` within ${r.route.answerMinutes} minutes (by about ${localTime(answerBy, tz)})` : ''}`,
      ],
      note: 'If we hear nothing in time the referral is escalated to managers on both sides.',
    },
    ...(x.link
      ? [
          {
            kind: 'link',
            intro: 'Answer here',
            note: 'no login needed; this link is only for this referral and works once',
            label: `Answer referral ${ref}`,
            href: x.link,
            ...(r.route.linkExpiresAt ? { after: `The link expires ${localTime(r.route.linkExpiresAt, tz)}.` } : {}),
          } as const,
        ]
      : []),
    { kind: 'fields', rows: [['Call back', r.shared.callbackRoute]] },
    {
      kind: 'paragraph',
      lines: [
        "The person's name and details are not in this email. Ring the callback number, quoting the",
        'reference, to get them or to talk the referral through.',
      ],
    },
  ];
  return { subject, blocks };
}

/** Subject, plain text and HTML of the referral email. */
export const referralEmail = (x: ReferralEmailInput) => renderMessage(referralMessage(x));

/** The withdrawal notice for an emailed referral (text and HTML from one document). */
export function withdrawalEmail(x: Omit<ReferralEmailInput, 'link'>): { subject: string; body: string; html: string } {
  const { config, referral: r, incident } = x;
  const ref = incident.reference ?? incident.id;
  return renderMessage({
    subject: `${config.force.name} referral ${ref}: WITHDRAWN — no action needed`,
    blocks: [
      {
        kind: 'paragraph',
        lines: [
          `${config.force.name} has withdrawn referral ${r.referralId} (reference ${ref}) sent to ` +
            `${r.route.agencyLabel} on ${localTime(r.madeAt, config.force.timezone)}.`,
        ],
      },
      { kind: 'paragraph', lines: [`Reason: ${r.withdrawn?.reason ?? ''}`] },
      {
        kind: 'paragraph',
        lines: [
          'No action is needed. The response link in the original email no longer works.',
          `Questions: ${r.shared.callbackRoute}`,
        ],
      },
    ],
  });
}
