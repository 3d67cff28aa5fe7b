/**
 * Screen 2, a new call: the API's create-incident schema as a form (channel, category and district
 * from configuration, urban or rural, summary, location, the person's identifiers and age), recorded
 * by createIncident — the API's command — and then the incident page, where THRIVE is the first
 * thing offered. The person's identifiers only become pseudonymous keys: they are never shown back,
 * not even in a form sent back for correction (the user types them again).
 */
import type { Context, Hono } from 'hono';
import { createIncident } from '../../../commands/create-incident.js';
import type { CommandDeps } from '../../../commands/deps.js';
import { requestHash } from '../../../commands/idempotency.js';
import type { Refusal } from '../../../commands/refusal.js';
import { canonicalJson } from '../../../domain/incident-aggregate.js';
import type { CreateIncidentInput, IncidentInputs } from '../../../domain/incident-inputs.js';
import { notSaved } from '../../../http/respond.js';
import type { AppEnv } from '../../../http/types.js';
import { randomUUID } from 'node:crypto';
import { CHANNELS } from '../../../../machines/incident/index.js';
import { Tag } from '../components.js';
import { asSentence } from '../format.js';
import { valueLabel } from '../labels.js';
import type { Shortcut } from '../nav.js';
import {
  type FieldErrors,
  type FieldSpec,
  type FormValues,
  formValues,
  issuesByField,
  readForm,
  SchemaForm,
} from '../schema-form.js';
import { type ConsoleRequest, consoleRequest, renderConsole } from '../shell.js';

export const NEW_CALL_SHORTCUTS: readonly Shortcut[] = [
  { keys: 'Tab', label: 'Next field; the form ends with "Record the call"' },
];

const IDENTIFIER_PREFIX = 'subject.identifiers.';

function specs(r: ConsoleRequest): Record<string, FieldSpec> {
  const c = r.deps.config;
  return {
    receivedAt: { label: 'Call received' },
    reference: { hint: 'The command-and-control log number, if there is one.' },
    channel: {
      widget: 'radio',
      options: CHANNELS.map((x) => ({ value: x, label: valueLabel(x) })),
      // The handler starts on the channel: arrow keys choose it, Tab goes on.
      attrs: { autofocus: '', 'data-key-focus': '' },
    },
    category: { widget: 'select', options: c.categories.map((x) => ({ value: x.code, label: x.label })) },
    district: { widget: 'select', options: c.districts.map((d) => ({ value: d, label: d })) },
    locationClass: { hint: 'Sets which attendance target applies where a grade has urban and rural targets.' },
    mhFlagAtCall: { hint: 'Your view now (NPCC 2019 definition); confirmed again at closure.' },
    summary: { hint: 'What the caller says is happening.' },
    subject: { hint: 'Leave blank if nothing is known yet; it can be added later.' },
    'subject.identifiers': {
      hint:
        'Used only to link contacts about the same person. ' +
        'Turned into a pseudonymous key at once: never stored, never shown again.',
    },
    'subject.ageBand': { widget: 'select', hint: 'The apparent age band, when the age is not known.' },
    'subject.legalStatus': { widget: 'select', hint: 'Only when known (needed for an AWOL patient).' },
  };
}

function NewCallForm({
  r,
  schema,
  values,
  errors,
  refusal,
}: {
  r: ConsoleRequest;
  schema: IncidentInputs['createIncident'];
  values?: FormValues | undefined;
  errors?: FieldErrors | undefined;
  refusal?: Refusal | undefined;
}) {
  const cleared = values && Object.keys(values).some((k) => k.startsWith(IDENTIFIER_PREFIX) && values[k]);
  const shown = values
    ? Object.fromEntries(Object.entries(values).filter(([k]) => !k.startsWith(IDENTIFIER_PREFIX)))
    : undefined;
  return (
    <div class="panel form-panel new-call">
      {refusal ? (
        <div class="refusal" role="alert" tabindex={-1} data-focus-on-load>
          <h2>
            <span aria-hidden="true">✖ </span>Not recorded
            {refusal.kind === 'ruleViolation' && refusal.rule ? `: rule ${refusal.rule}` : ''}
          </h2>
          <p>{asSentence(refusal.message, r.timeZone, r.now)}</p>
        </div>
      ) : null}
      {cleared ? (
        <p class="guidance">
          <Tag tone="info">Identifiers not shown again</Tag> Type the person's identifiers again if they are needed.
        </p>
      ) : null}
      <SchemaForm
        id="new-call"
        idPrefix="call"
        action="/console/calls"
        csrf={r.csrf}
        schema={schema}
        specs={specs(r)}
        values={shown}
        errors={errors}
        timeZone={r.timeZone}
        now={r.now}
        hidden={{ key: randomUUID() }}
        submitLabel="Record the call"
        attrs={{ 'aria-label': 'New call' }}
      />
    </div>
  );
}

export function registerNewCallScreen(app: Hono<AppEnv>, deps: CommandDeps, inputs: IncidentInputs) {
  const schema = inputs.createIncident;
  const page = (c: Context<AppEnv>, r: ConsoleRequest, form: Parameters<typeof NewCallForm>[0], status = 200) =>
    renderConsole(
      c,
      r,
      { title: 'New call', active: 'new', shortcuts: NEW_CALL_SHORTCUTS, body: <NewCallForm {...form} /> },
      status,
    );
  const refuse = (c: Context<AppEnv>, r: ConsoleRequest) =>
    renderConsole(c, r, { title: 'Not available', body: <p>Your role cannot record new calls.</p> }, 403);

  app.get('/console/calls/new', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('incident.create')) return refuse(c, r);
    return page(c, r, { r, schema });
  });

  app.post('/console/calls', async (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('incident.create')) return refuse(c, r);
    const values = formValues(await c.req.parseBody());
    const input = readForm(schema, values, r.timeZone);
    const parsed = schema.safeParse(input);
    if (!parsed.success) return page(c, r, { r, schema, values, errors: issuesByField(parsed.error, input) }, 400);
    const call = parsed.data as CreateIncidentInput;
    const key = /^[\x21-\x7e]{1,200}$/.test(values.key ?? '') ? values.key! : null;
    const result = createIncident(
      deps,
      {
        actor: { id: r.user.id, role: r.user.role },
        idempotencyKey: key,
        requestHash: requestHash('POST', '/api/incidents', canonicalJson(call)),
      },
      call,
    );
    if (!result.ok) {
      const refusal = result.refusal;
      const errors =
        refusal.kind === 'invalid'
          ? Object.fromEntries(refusal.issues.map((i) => [i.path.replace(/^body\./, ''), i.message]))
          : undefined;
      return page(
        c,
        r,
        { r, schema, values, errors, refusal },
        refusal.kind === 'ruleViolation' ? 422 : refusal.kind === 'invalid' ? 400 : 409,
      );
    }
    const failed = await notSaved(deps);
    if (failed) {
      const refusal: Refusal = { kind: 'conflict', code: failed.code, title: failed.title, message: failed.detail };
      return page(c, r, { r, schema, values, refusal }, 503);
    }
    return c.redirect(`/console/incidents/${result.body.id}?done=INCIDENT_CREATED`, 303);
  });
}
