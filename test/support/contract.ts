/**
 * The API contract, held to every response the tests receive: the OpenAPI document the app serves
 * (GET /api/openapi.json) says which statuses, media types, bodies and headers each operation may
 * answer, and a response outside it fails the test that received it. Bodies are checked with ajv
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1), against the document's own schemas.
 * Requests the document does not describe (web pages, unknown routes) are not checked here.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';

/** ajv-formats is CommonJS; its plugin is also its `default` export, whichever way it is loaded. */
const addFormats = ajvFormats.default;

interface MediaType {
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaType>;
  headers?: Record<string, { required?: boolean; schema?: object }>;
}
interface Operation {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

export interface ObservedResponse {
  method: string;
  /** The request path, query string allowed. */
  path: string;
  status: number;
  headers: Headers;
  /** The body as text (what a client receives). */
  text: string;
}

/** Response headers whose presence the document must announce. */
const ANNOUNCED_HEADERS = [
  'etag',
  'location',
  'idempotent-replayed',
  'content-disposition',
  'www-authenticate',
  'cache-control',
];
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const isJson = (mediaType: string) => /^application\/(?:[\w.-]+\+)?json$/.test(mediaType);

export class Contract {
  readonly #ajv: Ajv2020;
  readonly #routes: Array<{ template: string; pattern: RegExp; params: number }>;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDocument) {
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    this.#ajv.addFormat('binary', true);
    this.#ajv.addSchema(doc as object, 'openapi.json');
    this.#routes = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter (/api/agencies/import before /api/agencies/{code}).
      .sort((a, b) => a.params - b.params);
  }

  /** The operation the document declares for this request, or null when it describes none. */
  operation(method: string, path: string): { template: string; op: Operation } | null {
    const m = method.toLowerCase();
    if (!METHODS.has(m)) return null;
    const route = this.#routes.find((r) => r.pattern.test(path) && this.doc.paths[r.template]?.[m]);
    return route ? { template: route.template, op: this.doc.paths[route.template]![m]! } : null;
  }

  /** What in this response the document does not allow (empty when it conforms). */
  violations(r: ObservedResponse): string[] {
    const path = new URL(r.path, 'http://contract.invalid').pathname;
    const found = this.operation(r.method, path);
    if (!found) return [];
    const { template, op } = found;
    const at = `${r.method.toUpperCase()} ${template} → ${r.status}`;
    const declared = op.responses[String(r.status)] ?? op.responses[`${String(r.status)[0]}XX`] ?? op.responses.default;
    if (!declared)
      return [`${at}: status not declared (the document declares ${Object.keys(op.responses).join(', ')})`];
    const key = op.responses[String(r.status)] ? String(r.status) : `${String(r.status)[0]}XX`;
    const base = ['paths', template, r.method.toLowerCase(), 'responses', key];
    const out: string[] = [];

    for (const name of ANNOUNCED_HEADERS) {
      const value = r.headers.get(name);
      const spec = Object.entries(declared.headers ?? {}).find(([h]) => h.toLowerCase() === name);
      if (value !== null && !spec) out.push(`${at}: header ${name} is sent but not declared`);
      if (value !== null && spec?.[1].schema) {
        const validate = this.#validator(pointer(...base, 'headers', spec[0], 'schema'));
        if (!validate(value)) out.push(`${at}: header ${name}: ${this.#ajv.errorsText(validate.errors)}`);
      }
    }
    for (const [name, spec] of Object.entries(declared.headers ?? {}))
      if (spec.required && !r.headers.has(name)) out.push(`${at}: required header ${name} is missing`);

    const mediaType = (r.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (r.text === '' && !declared.content) return out;
    const content = declared.content?.[mediaType];
    if (!content) {
      const allowed = Object.keys(declared.content ?? {}).join(', ') || 'no body';
      return [...out, `${at}: content type '${mediaType}' not declared (declared: ${allowed})`];
    }
    if (!content.schema || mediaType === 'application/zip') return out;
    const validate = this.#validator(pointer(...base, 'content', mediaType, 'schema'));
    let body: unknown = r.text;
    if (isJson(mediaType)) {
      try {
        body = JSON.parse(r.text);
      } catch {
        return [...out, `${at}: the body is not JSON although sent as ${mediaType}`];
      }
    }
    if (!validate(body)) {
      const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message}`);
      out.push(`${at}: the body does not match its schema: ${errors.join('; ')}`);
    }
    return out;
  }

  #validator(ref: string): ValidateFunction {
    let v = this.#validators.get(ref);
    if (!v) {
      v = this.#ajv.compile({ $ref: `openapi.json#/${ref}` });
      this.#validators.set(ref, v);
    }
    return v;
  }
}
