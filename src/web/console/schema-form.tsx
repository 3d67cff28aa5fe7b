/**
 * Forms from the API's own zod schemas: the console never writes a second description of what an
 * event carries. A schema is read through its JSON Schema (zod's `toJSONSchema`, the public way to
 * look inside one), and each property becomes a field: text, a text area for long text, a select or
 * radio group for an enum, Yes/No radios for a boolean (never a pre-ticked box for a question like
 * "risk to life?"), a number, a local date-time for an instant, a fieldset for an object, rows for
 * an array. `FieldSpec`s adjust a field by its dotted path (labels, hints, the options of a picker,
 * hidden or left out) without touching the shape.
 *
 * `readForm` turns a posted form back into the input object by the same JSON Schema (local times
 * become instants in the force's zone, empty optional fields are left out), so the caller validates
 * it with the same zod schema and sends it down the same command path as the API. `issuesByField`
 * turns zod's issues into messages beside the fields they concern.
 */
import { z } from 'zod';
import { getOrInsert } from '../../lib/maps.js';
import { fromLocalDate, fromLocalInput, toLocalInput } from './format.js';
import { fieldLabel, valueLabel } from './labels.js';

/** The part of JSON Schema zod produces that the forms read. */
export interface JsonNode {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonNode>;
  required?: string[];
  items?: JsonNode;
  minItems?: number;
  maxItems?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  format?: string;
  default?: unknown;
  anyOf?: JsonNode[];
}

const jsonSchemas = new WeakMap<z.ZodType, JsonNode>();

/** The JSON Schema of what a user sends (the input side of transforms), cached per schema. */
export function jsonSchemaOf(schema: z.ZodType): JsonNode {
  return getOrInsert(
    jsonSchemas,
    schema,
    () => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonNode,
  );
}

/** An option of a select or radio group: its value, its words, and a note beside it (e.g. "open now"). */
export interface Option {
  value: string;
  label: string;
  note?: string | undefined;
}

/** How one field differs from what its schema alone would give. Paths are dotted; `*` stands for any row. */
export interface FieldSpec {
  label?: string;
  hint?: string;
  /** `hidden` posts `value` unseen; `omit` leaves the field out (so out of the input too). */
  widget?: 'text' | 'textarea' | 'select' | 'radio' | 'hidden' | 'omit';
  /** The choices, in place of the schema's enum (a picker from the directory, places allowed for this person …). */
  options?: Option[];
  /** The value shown when the user has not typed one (a kept input always wins). */
  value?: string;
  /** Rows offered for an array (default: its minimum, at least one). */
  rows?: number;
  /** Shown as required although the schema lets it out (a rule needs it: the machine says so if missing). */
  required?: boolean;
  /** Extra attributes for the input (e.g. htmx attributes of a live check). */
  attrs?: Record<string, string>;
}

/** A posted form, flat: dotted path → value, exactly as the browser sent it. */
export type FormValues = Record<string, string>;
/** Messages beside fields, by dotted path. */
export type FieldErrors = Record<string, string>;

export interface FieldsProps {
  schema: z.ZodType;
  /** Prefix of every element id (unique on the page). */
  idPrefix: string;
  specs?: Record<string, FieldSpec> | undefined;
  values?: FormValues | undefined;
  errors?: FieldErrors | undefined;
  timeZone: string;
  /** The server's now: the default of a required instant ("when it happened"). */
  now: Date;
}

const idOf = (prefix: string, path: string) => `${prefix}-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
const specPath = (path: string) => path.replace(/\.\d+(?=\.|$)/g, '.*');
const last = (path: string) => path.slice(path.lastIndexOf('.') + 1);

/** A node's own type when it is `T | null`. */
function unwrap(node: JsonNode): JsonNode {
  if (node.anyOf) return node.anyOf.find((n) => n.type !== 'null') ?? node;
  return node;
}

interface Walk extends FieldsProps {
  specs: Record<string, FieldSpec>;
  values: FormValues;
  errors: FieldErrors;
}

/** The fields of `schema` (no <form>): use inside your own form, or through SchemaForm. */
export function SchemaFields(p: FieldsProps) {
  const w: Walk = { ...p, specs: p.specs ?? {}, values: p.values ?? {}, errors: p.errors ?? {} };
  return <>{objectFields(w, jsonSchemaOf(p.schema), '')}</>;
}

function objectFields(w: Walk, node: JsonNode, prefix: string) {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).map(([name, child]) =>
    field(w, unwrap(child), prefix ? `${prefix}.${name}` : name, required.has(name)),
  );
}

function Hint({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p class="hint" id={id}>
      {text}
    </p>
  ) : null;
}

function ErrorText({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p class="field-error" id={id}>
      <span aria-hidden="true">✖ </span>
      {text}
    </p>
  ) : null;
}

function field(w: Walk, node: JsonNode, path: string, required: boolean): unknown {
  const spec = w.specs[specPath(path)] ?? w.specs[path] ?? {};
  if (spec.widget === 'omit') return null;
  if (spec.required) required = true;
  const id = idOf(w.idPrefix, path);
  const kept = w.values[path];
  if (node.const !== undefined) return <input type="hidden" name={path} value={String(node.const)} />;
  if (spec.widget === 'hidden') return <input type="hidden" name={path} value={kept ?? spec.value ?? ''} />;
  const label = spec.label ?? fieldLabel(last(path));
  const error = w.errors[path];
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const described = [spec.hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const optional = required ? null : <span class="optional"> (optional)</span>;

  if (node.type === 'object') {
    return (
      <fieldset class="group" id={id}>
        <legend>
          {label}
          {optional}
        </legend>
        <Hint id={hintId} text={spec.hint} />
        <ErrorText id={errorId} text={error} />
        {objectFields(w, node, path)}
      </fieldset>
    );
  }
  if (node.type === 'array' && node.items) {
    const item = unwrap(node.items);
    const rows = spec.rows ?? Math.max(node.minItems ?? 1, 1, keptRows(w.values, path));
    return (
      <fieldset class="group rows" id={id}>
        <legend>
          {label}
          {optional}
        </legend>
        <Hint id={hintId} text={spec.hint} />
        <ErrorText id={errorId} text={error} />
        {Array.from({ length: rows }, (_, i) => (
          <fieldset class="row">
            <legend class="visually-hidden">{`${label} ${i + 1}`}</legend>
            {item.type === 'object' ? objectFields(w, item, `${path}.${i}`) : field(w, item, `${path}.${i}`, false)}
          </fieldset>
        ))}
      </fieldset>
    );
  }
  const options: Option[] | null =
    spec.options ?? (node.enum ? node.enum.map((v) => ({ value: String(v), label: valueLabel(String(v)) })) : null);
  if (node.type === 'boolean' || options) {
    const choices: Option[] = options ?? [
      { value: 'true', label: 'Yes' },
      { value: 'false', label: 'No' },
    ];
    const value = kept ?? spec.value ?? (node.default !== undefined ? String(node.default) : undefined);
    const asSelect = spec.widget === 'select' || (spec.widget !== 'radio' && choices.length > 5);
    if (asSelect) {
      return (
        <div class={`field${error ? ' invalid' : ''}`}>
          <label for={id}>
            {label}
            {optional}
          </label>
          <Hint id={hintId} text={spec.hint} />
          <ErrorText id={errorId} text={error} />
          <select
            id={id}
            name={path}
            aria-describedby={described}
            aria-invalid={error ? 'true' : undefined}
            {...spec.attrs}
          >
            <option value="">{required ? 'Choose…' : 'Not given'}</option>
            {choices.map((o) => (
              <option value={o.value} selected={o.value === value}>
                {o.label}
                {o.note ? ` — ${o.note}` : ''}
              </option>
            ))}
          </select>
        </div>
      );
    }
    const all = required || node.type !== 'boolean' ? choices : [...choices, { value: '', label: 'Not recorded' }];
    return (
      <fieldset class={`field choices${error ? ' invalid' : ''}`} id={id} aria-describedby={described}>
        <legend>
          {label}
          {optional}
        </legend>
        <Hint id={hintId} text={spec.hint} />
        <ErrorText id={errorId} text={error} />
        <div class="choice-list">
          {all.map((o, i) => (
            <label class="choice" for={`${id}-${i}`}>
              <input
                type="radio"
                id={`${id}-${i}`}
                name={path}
                value={o.value}
                checked={o.value === (value ?? (required ? undefined : ''))}
                {...spec.attrs}
              />
              <span>{o.label}</span>
              {o.note ? <span class="note">{o.note}</span> : null}
            </label>
          ))}
        </div>
      </fieldset>
    );
  }
  const common = {
    id,
    name: path,
    'aria-describedby': described,
    'aria-invalid': error ? 'true' : undefined,
    ...spec.attrs,
  };
  let input: unknown;
  if (node.type === 'integer' || node.type === 'number') {
    input = (
      <input
        type="number"
        class="narrow"
        {...common}
        value={kept ?? spec.value ?? ''}
        min={node.minimum ?? node.exclusiveMinimum}
        max={node.maximum}
        step={node.type === 'integer' ? '1' : 'any'}
      />
    );
  } else if (node.format === 'date-time') {
    // Kept input is shown as typed; a default (an instant) in the force's local time. "Now" is the
    // default of the event's own time only (a time inside a group would make the group look filled in).
    const given = kept ?? spec.value ?? (required && !path.includes('.') ? w.now.toISOString() : undefined);
    const value = kept === undefined && given ? toLocalInput(given, w.timeZone) : (given ?? '');
    input = <input type="text" class="when" {...common} value={value} inputmode="numeric" autocomplete="off" />;
  } else if (node.format === 'date') {
    input = <input type="text" class="when" {...common} value={kept ?? spec.value ?? ''} placeholder="dd/mm/yyyy" />;
  } else {
    const long = spec.widget === 'textarea' || (spec.widget !== 'text' && (node.maxLength ?? 0) >= 1000);
    input = long ? (
      <textarea {...common} rows={(node.maxLength ?? 0) >= 4000 ? 4 : 3} maxlength={node.maxLength}>
        {kept ?? spec.value ?? ''}
      </textarea>
    ) : (
      <input
        type="text"
        class={(node.maxLength ?? 200) <= 40 ? 'narrow' : (node.maxLength ?? 200) <= 200 ? 'medium' : 'wide'}
        {...common}
        value={kept ?? spec.value ?? ''}
        maxlength={node.maxLength}
        autocomplete="off"
      />
    );
  }
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {label}
        {optional}
        {node.format === 'date-time' ? <span class="optional"> (day/month/year 24-hour, local time)</span> : null}
      </label>
      <Hint id={hintId} text={spec.hint} />
      <ErrorText id={errorId} text={error} />
      {input}
    </div>
  );
}

/** How many rows of array `path` the kept input has (so a re-shown form keeps them all). */
function keptRows(values: FormValues, path: string): number {
  let n = 0;
  const re = new RegExp(`^${path.replace(/\./g, '\\.')}\\.(\\d+)(\\.|$)`);
  for (const k of Object.keys(values)) {
    const m = re.exec(k);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
}

export interface SchemaFormProps extends FieldsProps {
  /** The form's id (also the prefix of its fields' ids unless idPrefix is given). */
  id: string;
  action: string;
  /** The session's CSRF token (hidden field `csrf`, checked by formGuard). */
  csrf: string;
  submitLabel: string;
  /** Extra hidden fields (e.g. the version the user read). */
  hidden?: Record<string, string>;
  /** Shown above the fields (e.g. a refusal), and between the fields and the button. */
  before?: unknown;
  after?: unknown;
  /** Attributes of the <form> (e.g. aria-labelledby). */
  attrs?: Record<string, string>;
}

/** A whole form: CSRF token, hidden fields, the schema's fields, one submit button. */
export function SchemaForm(p: SchemaFormProps) {
  return (
    <form method="post" action={p.action} id={p.id} class="schema-form" novalidate {...p.attrs}>
      <input type="hidden" name="csrf" value={p.csrf} />
      {Object.entries(p.hidden ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      {p.before}
      <ErrorSummary errors={p.errors} idPrefix={p.idPrefix} />
      <SchemaFields {...p} />
      {p.after}
      <div class="actions">
        <button type="submit" class="primary">
          {p.submitLabel}
        </button>
      </div>
    </form>
  );
}

/** The errors of a form, listed at its top with links to their fields. */
export function ErrorSummary({ errors, idPrefix }: { errors?: FieldErrors | undefined; idPrefix: string }) {
  const entries = Object.entries(errors ?? {});
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <h3>
        <span aria-hidden="true">✖ </span>Check {entries.length === 1 ? 'this field' : `these ${entries.length} fields`}
      </h3>
      <ul>
        {entries.map(([path, message]) => (
          <li>
            <a href={`#${idOf(idPrefix, path)}`}>
              {path
                .split('.')
                .filter((s) => !/^\d+$/.test(s))
                .map(fieldLabel)
                .join(' › ')}
              : {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A posted body (hono `parseBody`) as flat string values; files are ignored. */
export function formValues(body: Record<string, unknown>): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof value === 'string') out[k] = value;
  }
  return out;
}

/**
 * The input object a posted form means, read by the schema: numbers and booleans typed, local
 * times as instants, blank optional fields (and optional groups left wholly blank, and blank rows)
 * left out. A blank required text stays "" so the rule that needs it says so in its own words.
 */
export function readForm(schema: z.ZodType, values: FormValues, timeZone: string): Record<string, unknown> {
  return (readNode(jsonSchemaOf(schema), '', values, timeZone, true) ?? {}) as Record<string, unknown>;
}

function readNode(node: JsonNode, path: string, values: FormValues, tz: string, required: boolean): unknown {
  node = unwrap(node);
  if (node.const !== undefined) return node.const;
  if (node.type === 'object') {
    // An optional group the user left wholly blank is left out (a blank required text inside it is not input).
    if (!required && !typedUnder(values, path)) return undefined;
    const req = new Set(node.required ?? []);
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const v = readNode(child, path ? `${path}.${name}` : name, values, tz, req.has(name));
      if (v !== undefined) out[name] = v;
    }
    return out;
  }
  if (node.type === 'array' && node.items) {
    const rows: unknown[] = [];
    for (let i = 0; i < keptRows(values, path); i++) {
      const v = readNode(node.items, `${path}.${i}`, values, tz, false);
      if (v !== undefined) rows.push(v);
    }
    return rows.length > 0 || required ? rows : undefined;
  }
  const raw = values[path];
  if (raw === undefined || raw.trim() === '') {
    const isText = node.type === 'string' && !node.enum && !node.format;
    return required && isText && raw !== undefined ? '' : undefined;
  }
  if (node.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  if (node.type === 'integer' || node.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  if (node.format === 'date-time') return fromLocalInput(raw, tz) ?? raw;
  if (node.format === 'date') return fromLocalDate(raw) ?? raw;
  return raw;
}

/** Whether anything was typed or chosen under `path` (a group or a row). */
function typedUnder(values: FormValues, path: string): boolean {
  const prefix = `${path}.`;
  return Object.entries(values).some(([k, v]) => k.startsWith(prefix) && v.trim() !== '');
}

/** zod's issues as one plain message per field (the first for each), by dotted path. */
export function issuesByField(error: z.ZodError, input: Record<string, unknown>): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (out[path]) continue;
    out[path] = plainMessage(issue, valueAt(input, issue.path));
  }
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function plainMessage(issue: z.core.$ZodIssue, given: unknown): string {
  if (given === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value'))
    return issue.code === 'invalid_value' ? 'choose one' : 'this is needed';
  if (issue.code === 'invalid_type' && (issue.expected === 'number' || issue.expected === 'int'))
    return 'enter a whole number';
  if (issue.code === 'invalid_value') return 'choose one of the options';
  if (issue.code === 'too_big' && issue.origin === 'string') return `at most ${issue.maximum} characters`;
  if (issue.code === 'too_small' && issue.origin === 'string') return 'this is needed';
  if (issue.code === 'invalid_format' && issue.format === 'datetime')
    return 'enter a date and time as day/month/year hours:minutes, e.g. 23/11/2026 21:10';
  if (issue.code === 'invalid_format' && issue.format === 'date')
    return 'enter a date as day/month/year, e.g. 04/07/1958';
  return issue.message;
}
