/**
 * The partner response page behind the link in a referral email: no account, the link is the
 * capability (see referrals/partner-link.ts). GET only shows (mail scanners prefetch links, so a GET
 * must never change anything); the form POSTs acknowledge / accept / decline, which becomes an event
 * on the incident with the agency as actor. Tampered, expired or reused links get a clear refusal
 * page and change nothing. Pages are never cached or indexed and send no referrer.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { CommandDeps } from '../commands/deps.js';
import {
  loadPartnerReferral,
  partnerRefusal,
  recordPartnerAnswer,
  type PartnerReferral,
  type PartnerRefusal,
} from '../commands/partner-response.js';
import { categoryLabel, localTime } from '../referrals/referral-email.js';
import type { PartnerLinks } from '../referrals/partner-link.js';
import { referralDeadlines } from '../../machines/referral.machine.js';
import type { AppEnv } from '../http/types.js';

const css = `body{font-family:system-ui,sans-serif;max-width:42rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;
color:#1b1b1b}
h1{font-size:1.4rem}dl{display:grid;grid-template-columns:11rem 1fr;gap:.25rem .75rem}dt{font-weight:600}dd{margin:0}
.box{border:1px solid #ccc;border-radius:.4rem;padding:1rem;margin:1rem 0}
.refused{border-color:#b00020;background:#fff5f5}.done{border-color:#1b7a3a;background:#f3fbf5}
label{display:block;margin:.5rem 0 .2rem;font-weight:600}
input[type=text],textarea{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
button{font:inherit;padding:.5rem 1rem;margin:.5rem .5rem 0 0;cursor:pointer}.muted{color:#555;font-size:.9rem}`;

const HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function Page({ title, force, children }: { title: string; force: string; children: unknown }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>
          {title} — {force}
        </title>
        <style>{css}</style>
      </head>
      <body>
        <p class="muted">{force} — partner referral</p>
        {children}
      </body>
    </html>
  );
}

function Summary({ p, deps }: { p: PartnerReferral; deps: CommandDeps }) {
  const r = p.referral;
  const tz = deps.config.force.timezone;
  const clocks = referralDeadlines(p.state, r).filter((d) => !d.fired && (d.key === 'ack' || d.key === 'answer'));
  return (
    <dl>
      <dt>Reference</dt>
      <dd>
        {p.incident.reference ?? p.incident.id} (referral {p.referralId})
      </dd>
      <dt>To</dt>
      <dd>
        {r.route.agencyLabel || r.agency} ({r.namedContact})
      </dd>
      <dt>Referred</dt>
      <dd>{localTime(r.madeAt, tz)}</dd>
      <dt>Category</dt>
      <dd>{categoryLabel(deps.config, p.incident.category)}</dd>
      {p.incident.district ? (
        <>
          <dt>District</dt>
          <dd>{p.incident.district}</dd>
        </>
      ) : null}
      <dt>Location</dt>
      <dd>{r.shared.location ?? 'not given: ask on the callback route'}</dd>
      <dt>Risk summary</dt>
      <dd>{r.shared.riskSummary ?? ''}</dd>
      {r.shared.narrative && r.route.freeTextAllowed ? (
        <>
          <dt>Narrative</dt>
          <dd>{r.shared.narrative}</dd>
        </>
      ) : null}
      <dt>Call back</dt>
      <dd>{r.shared.callbackRoute}</dd>
      {clocks.map((d) => (
        <>
          <dt>{d.key === 'ack' ? 'Acknowledge by' : 'Answer by'}</dt>
          <dd>{localTime(d.dueAt, tz)}</dd>
        </>
      ))}
    </dl>
  );
}

function Form({ p }: { p: PartnerReferral }) {
  const canAcknowledge = !p.referral.acknowledgedAt && (p.state === 'drafted' || p.state === 'sent');
  return (
    <form method="post" class="box">
      <label for="respondent">Your name and role</label>
      <input type="text" id="respondent" name="respondent" required maxlength={200} autocomplete="name" />
      <label for="agencyReference">Your reference (optional)</label>
      <input type="text" id="agencyReference" name="agencyReference" maxlength={100} />
      <label for="reason">Reason (needed to decline) or your plan (when accepting)</label>
      <textarea id="reason" name="reason" rows={4} maxlength={2000}></textarea>
      {canAcknowledge ? (
        <button type="submit" name="action" value="acknowledge">
          We have it — still deciding
        </button>
      ) : null}
      <button type="submit" name="action" value="accept">
        Accept
      </button>
      <button type="submit" name="action" value="decline">
        Decline
      </button>
      <p class="muted">Personal details are not shown here: ring the callback number, quoting the reference.</p>
    </form>
  );
}

const formSchema = z.object({
  action: z.enum(['acknowledge', 'accept', 'decline']),
  respondent: z.string().trim().min(1, 'give your name and role').max(200),
  reason: z.string().trim().max(2000).optional(),
  agencyReference: z.string().trim().max(100).optional(),
});

type LinkProblem = { status: number; title: string; message: string };

export function registerPartnerPages(app: Hono<AppEnv>, deps: CommandDeps, links: PartnerLinks | undefined) {
  const force = deps.config.force.name;
  const callback = deps.config.referrals.callbackRoute;
  const html = (c: Context, status: number, title: string, body: unknown) => {
    for (const [k, v] of Object.entries(HEADERS)) c.header(k, v);
    return c.html(
      '<!doctype html>' +
        String(
          <Page title={title} force={force}>
            {body}
          </Page>,
        ),
      status as 200,
    );
  };
  const refusal = (c: Context, r: PartnerRefusal | LinkProblem, p?: PartnerReferral | null) =>
    html(
      c,
      r.status,
      r.title,
      <>
        <h1>{r.title}</h1>
        <div class="box refused">
          <p>{r.message}</p>
          <p>Call back: {p?.referral.shared.callbackRoute || callback}</p>
        </div>
      </>,
    );

  /** The referral this link is for, or why the link cannot be used. */
  function open(token: string): { p: PartnerReferral } | { problem: LinkProblem; p?: PartnerReferral | null } {
    if (!links)
      return {
        problem: {
          status: 404,
          title: 'Partner links are not enabled',
          message: 'This server does not issue partner links.',
        },
      };
    const check = links.check(token, deps.clock.now());
    if (!check.ok) {
      if (check.reason === 'expired') {
        return {
          problem: {
            status: 410,
            title: 'This link has expired',
            message:
              `Links work for a limited time; this one expired ` +
              `${localTime(check.expiresAt, deps.config.force.timezone)}. Ring the control room to answer the ` +
              `referral.`,
          },
          p: loadPartnerReferral(deps, check.incidentId, check.referralId),
        };
      }
      return {
        problem: {
          status: 403,
          title: 'This link is not valid',
          message:
            'The link is incomplete or has been altered. Use the link exactly as it is in the email, or ring the ' +
            'control room.',
        },
      };
    }
    const p = loadPartnerReferral(deps, check.incidentId, check.referralId);
    if (!p)
      return {
        problem: {
          status: 404,
          title: 'Referral not found',
          message: 'This referral does not exist. Ring the control room.',
        },
      };
    return { p };
  }

  app.get('/partner/referrals/:token', (c) => {
    const o = open(c.req.param('token'));
    if ('problem' in o) return refusal(c, o.problem, o.p);
    const { p } = o;
    const stop = partnerRefusal(p, null);
    if (stop) return refusal(c, stop, p);
    const r = p.referral;
    const answered = r.answer === 'accepted' || r.answer === 'declined';
    return html(
      c,
      200,
      `Referral ${p.incident.reference ?? p.referralId}`,
      <>
        <h1>Referral from {force}</h1>
        <Summary p={p} deps={deps} />
        {answered ? (
          <div class="box done">
            <p>
              This referral has been {r.answer} ({r.respondent ?? 'recorded by the control room'}). Nothing more to do
              here; to change the answer, ring the control room.
            </p>
          </div>
        ) : (
          <Form p={p} />
        )}
      </>,
    );
  });

  app.post(
    '/partner/referrals/:token',
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.text('Too large', 413) }),
    async (c) => {
      const o = open(c.req.param('token'));
      if ('problem' in o) return refusal(c, o.problem, o.p);
      const form = formSchema.safeParse(await c.req.parseBody().catch(() => ({})));
      if (!form.success) {
        return refusal(
          c,
          {
            status: 422,
            code: 'FORM_INCOMPLETE',
            title: 'Please complete the form',
            message: form.error.issues.map((i) => `${String(i.path[0] ?? 'form')}: ${i.message}`).join('; '),
          },
          o.p,
        );
      }
      const f = form.data;
      const result = recordPartnerAnswer(deps, {
        incidentId: o.p.incident.id,
        referralId: o.p.referralId,
        action: f.action,
        respondent: f.respondent,
        reason: f.reason ? f.reason : null,
        agencyReference: f.agencyReference ? f.agencyReference : null,
      });
      if (!result.ok) return refusal(c, result.refusal, result.referral ?? o.p);
      if (deps.uow) {
        try {
          await deps.uow.durable();
        } catch {
          return refusal(
            c,
            {
              status: 503,
              title: 'Not saved',
              message: 'We could not save your answer. Please try again, or ring the control room.',
            },
            o.p,
          );
        }
      }
      const done = result.nothingToDo
        ? 'We already had your acknowledgement.'
        : f.action === 'acknowledge'
          ? 'Thank you: we have recorded that you have the referral. Please accept or decline it as soon as you can ' +
            '(use this link again).'
          : `Thank you: the referral is recorded as ${f.action === 'accept' ? 'accepted' : 'declined'}. The control ` +
            `room has been updated.`;
      return html(
        c,
        200,
        'Recorded',
        <>
          <h1>Recorded</h1>
          <div class="box done">
            <p>{done}</p>
          </div>
          <Summary p={result.referral} deps={deps} />
        </>,
      );
    },
  );
}
