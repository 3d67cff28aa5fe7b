/**
 * Screen 3, the incident: the page (header, timeline, actions), its live partials, and the form
 * posts. A post is read by the event's own zod schema (the API's) and recorded by recordEvent — the
 * API's command, with the version the user read as If-Match and the form's one-time key as the
 * Idempotency-Key (a double click records once). Whatever is refused comes back on the same page with
 * the input kept: a 400 beside its fields, a 422 naming its rule in plain words, a 409 saying what
 * changed since the user opened the incident. A success goes back to the incident (303).
 *
 * The check route answers "would this be accepted?" while a form is filled in (checkEvent: the
 * machine's own answer, nothing written).
 */
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import { checkEvent } from '../../../commands/check-event.js';
import type { CommandDeps } from '../../../commands/deps.js';
import { requestHash } from '../../../commands/idempotency.js';
import { recordEvent } from '../../../commands/record-event.js';
import type { Refusal } from '../../../commands/refusal.js';
import { canonicalJson } from '../../../domain/incident-aggregate.js';
import type { IncidentEventInput, IncidentInputs } from '../../../domain/incident-inputs.js';
import { notSaved } from '../../../http/respond.js';
import type { AppEnv } from '../../../http/types.js';
import { consoleIncident, type ConsoleIncident } from '../../../queries/incident-console.js';
import { Tag } from '../components.js';
import { consult } from '../consult.js';
import { asSentence } from '../format.js';
import { eventLabel } from '../labels.js';
import type { Shortcut } from '../nav.js';
import { type FieldErrors, formValues, issuesByField, readForm } from '../schema-form.js';
import { type ConsoleRequest, consoleRequest, renderConsole, renderPartial } from '../shell.js';
import { Actions, type KeptForm } from './incident-forms.js';
import { IncidentHeader, Timeline } from './incident-view.js';

export const INCIDENT_SHORTCUTS: readonly Shortcut[] = [
  { keys: '1 … 9', label: 'Open the numbered action under "What can be done now"' },
  { keys: 'Tab', label: 'Move through the fields of the open form; Enter on its button records it' },
];

function IncidentPage({
  r,
  ci,
  schemas,
  kept,
}: {
  r: ConsoleRequest;
  ci: ConsoleIncident;
  schemas: Record<string, z.ZodType>;
  kept?: KeptForm | undefined;
}) {
  return (
    <>
      <IncidentHeader r={r} ci={ci} />
      <div class="incident-columns">
        <Actions r={r} ci={ci} schemas={schemas} kept={kept} />
        <Timeline r={r} ci={ci} highlight={new Set(kept?.stale?.since.map((e) => e.seq) ?? [])} />
      </div>
    </>
  );
}

const title = (ci: ConsoleIncident) => `Incident ${ci.view.reference ?? ci.view.id.slice(0, 8)}`;

const STATUS_OF: Record<Refusal['kind'], number> = {
  invalid: 400,
  notFound: 404,
  conflict: 409,
  staleVersion: 409,
  ruleViolation: 422,
  keyReused: 409,
};

/** Issue paths as the form names fields (the API's start with "body."). */
function refusalErrors(refusal: Refusal): FieldErrors | undefined {
  if (refusal.kind !== 'invalid') return undefined;
  return Object.fromEntries(refusal.issues.map((i) => [i.path.replace(/^body\./, ''), i.message]));
}

export function registerIncidentScreen(app: Hono<AppEnv>, deps: CommandDeps, inputs: IncidentInputs) {
  const schemas = inputs.events as unknown as Record<string, z.ZodType>;

  /** The request's context and the incident, or the answer when there is none to show. */
  function open(c: Context<AppEnv>): { r: ConsoleRequest; ci: ConsoleIncident } | Response {
    const r = consoleRequest(c, deps);
    if (!r.access.can('incident.read'))
      return renderConsole(c, r, { title: 'Not available', body: <p>Your role cannot read incidents.</p> }, 403);
    const ci = consoleIncident(deps.db, c.req.param('id') ?? '');
    if (!ci)
      return renderConsole(
        c,
        r,
        {
          title: 'No such incident',
          body: (
            <p>
              There is no incident with this id. <a href="/console">Back to the queue</a>
            </p>
          ),
        },
        404,
      );
    return { r, ci };
  }

  /** `open`, then the consultation written to the access log (or the reason asked for, on a closed record). */
  async function consulted(c: Context<AppEnv>, partial = false) {
    const o = open(c);
    if (o instanceof Response) return o;
    const records = [{ type: 'incident' as const, id: o.ci.view.id, closedAt: o.ci.view.closedAt }];
    return (await consult(c, o.r, 'incident.read', { action: 'console.incident', records, partial })) ?? o;
  }

  function page(c: Context<AppEnv>, r: ConsoleRequest, ci: ConsoleIncident, kept?: KeptForm, status = 200) {
    const done = c.req.query('done');
    return renderConsole(
      c,
      r,
      {
        title: title(ci),
        shortcuts: INCIDENT_SHORTCUTS,
        flash:
          done && !kept ? (
            <>
              <Tag tone="ok">Recorded</Tag> {eventLabel(done)}
            </>
          ) : undefined,
        body: <IncidentPage r={r} ci={ci} schemas={schemas} kept={kept} />,
      },
      status,
    );
  }

  app.get('/console/incidents/:id', async (c) => {
    const o = await consulted(c);
    return o instanceof Response ? o : page(c, o.r, o.ci);
  });
  app.get('/console/incidents/:id/partials/header', async (c) => {
    const o = await consulted(c, true);
    return o instanceof Response ? o : renderPartial(c, <IncidentHeader r={o.r} ci={o.ci} />);
  });
  app.get('/console/incidents/:id/partials/timeline', async (c) => {
    const o = await consulted(c, true);
    return o instanceof Response ? o : renderPartial(c, <Timeline r={o.r} ci={o.ci} />);
  });

  app.post('/console/incidents/:id/events', async (c) => {
    const o = open(c);
    if (o instanceof Response) return o;
    const { r, ci } = o;
    const values = formValues(await c.req.parseBody());
    const type = values.type ?? '';
    const schema = schemas[type];
    if (!schema) return page(c, r, ci, undefined, 400);
    const overriding = Object.entries(values).some(([k, v]) => k.startsWith('override.') && v.trim() !== '');
    if (!r.access.canRecord(type, overriding)) {
      const refusal: Refusal = {
        kind: 'ruleViolation',
        code: 'FORBIDDEN',
        title: 'Not allowed for your role',
        message: `your role cannot record ${eventLabel(type)}${overriding ? ' with a supervisor override' : ''}`,
        rule: null,
      };
      return page(c, r, ci, { type, values, refusal }, 403);
    }
    const input = readForm(schema, values, r.timeZone);
    const parsed = schema.safeParse(input);
    if (!parsed.success) return page(c, r, ci, { type, values, errors: issuesByField(parsed.error, input) }, 400);
    const event = parsed.data as IncidentEventInput;
    const ifMatch = Number.parseInt(values.version ?? '', 10);
    const read = Number.isFinite(ifMatch) ? ifMatch : 0;
    const key = /^[\x21-\x7e]{1,200}$/.test(values.key ?? '') ? values.key! : null;
    const result = recordEvent(
      deps,
      {
        actor: { id: r.user.id, role: r.user.role },
        idempotencyKey: key,
        requestHash: requestHash('POST', `/api/incidents/${ci.view.id}/events`, `${read}\n${canonicalJson(event)}`),
      },
      { incidentId: ci.view.id, ifMatch: read, input: event },
    );
    if (!result.ok) {
      const refusal = result.refusal;
      if (refusal.kind === 'staleVersion') {
        // The form is shown again against the incident as it is now (its version: the next send is a fresh decision).
        const now = consoleIncident(deps.db, ci.view.id) ?? ci;
        return page(c, r, now, { type, values, stale: { read, since: refusal.changes ?? [] } }, 409);
      }
      const errors = refusalErrors(refusal);
      return page(c, r, ci, { type, values, refusal, ...(errors ? { errors } : {}) }, STATUS_OF[refusal.kind]);
    }
    const failed = await notSaved(deps);
    if (failed) {
      const refusal: Refusal = { kind: 'conflict', code: failed.code, title: failed.title, message: failed.detail };
      return page(c, r, ci, { type, values, refusal }, 503);
    }
    return c.redirect(`/console/incidents/${ci.view.id}?done=${encodeURIComponent(type)}`, 303);
  });

  /** While a form is filled in: the machine's answer to it as it stands (blank texts read as given). */
  app.post('/console/incidents/:id/check', async (c) => {
    const o = open(c);
    if (o instanceof Response) return renderPartial(c, '', 404);
    const { r, ci } = o;
    const values = formValues(await c.req.parseBody());
    const schema = schemas[values.type ?? ''];
    if (!schema) return renderPartial(c, '');
    const input = readForm(schema, values, r.timeZone);
    // Texts not yet written are not what this check is about: it asks about the choices made so far.
    for (const [k, v] of Object.entries(input)) if (v === '') input[k] = 'to be written';
    const parsed = schema.safeParse(input);
    if (!parsed.success) return renderPartial(c, '');
    const refusal = checkEvent(
      deps,
      { id: r.user.id, role: r.user.role },
      ci.view.id,
      parsed.data as IncidentEventInput,
    );
    if (!refusal)
      return renderPartial(
        c,
        <p class="check-ok">
          <Tag tone="ok">The machine accepts these answers</Tag>
        </p>,
      );
    const rule = refusal.kind === 'ruleViolation' ? refusal.rule : null;
    const overrideNeeded = refusal.code === 'RCRP_THRESHOLD_MET';
    return renderPartial(
      c,
      <div class="refusal precheck" role="alert">
        <p>
          <Tag tone="danger">Would be refused{rule ? ` (${rule})` : ''}</Tag>{' '}
          {asSentence(refusal.message, r.timeZone, r.now)}
        </p>
        {overrideNeeded ? (
          r.access.canRecord(values.type ?? '', true) ? (
            <p>As a supervisor you may record it with the override below: your name, rank and reason.</p>
          ) : (
            <p>Only a supervisor can override this. Choose deploy or a joint response, or ask a supervisor.</p>
          )
        ) : null}
      </div>,
    );
  });
}
