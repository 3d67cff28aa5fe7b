/**
 * Replays a shell walkthrough from the docs against the app, as a reader would paste it: each `curl`
 * with its method, URL, every `-H` header and its `-d` body, exactly; `NAME=value` and
 * `NAME=$(curl … | jq -r .path)` set variables that later commands use; `NAME=$(npm run --silent
 * token -- --name "…" --role …)` issues a token the way that CLI does. Anything else in a
 * walkthrough block is refused, so the docs cannot show a command the tests do not run.
 */
import { parse, type ParseEntry } from 'shell-quote';
import { expect } from 'vitest';
import { issueToken } from '../../src/auth/tokens.js';
import type { UserRole } from '../../machines/types.js';
import type { Harness } from '../support/harness.js';

/** The ```sh block that follows `<!-- walkthrough:NAME -->` in a markdown document. */
export function walkthroughBlock(markdown: string, name: string): string {
  const m = new RegExp(`<!-- walkthrough:${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  if (!m) throw new Error(`no <!-- walkthrough:${name} --> followed by a sh block`);
  return m[1]!;
}

/**
 * Shell statements: a newline ends one unless it is escaped or inside quotes; `#` starts a comment
 * at the beginning of a word outside quotes.
 */
export function statements(script: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') {
        cur += c + (script[i + 1] ?? '');
        i++;
        continue;
      }
      cur += c;
    } else if (c === '\\' && script[i + 1] === '\n') i++;
    else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '#' && (cur === '' || /\s$/.test(cur))) {
      while (i < script.length && script[i] !== '\n') i++;
      i--;
    } else if (c === '\n') {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (quote) throw new Error(`unterminated ${quote} in walkthrough`);
  if (cur.trim()) out.push(cur.trim());
  return out;
}

export interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Step {
  statement: string;
  request: CurlRequest;
  status: number;
  body: any;
  headers: Headers;
}

function words(entries: ParseEntry[], statement: string): string[] {
  return entries.map((e) => {
    if (typeof e !== 'string') throw new Error(`unsupported shell syntax ${JSON.stringify(e)} in: ${statement}`);
    return e;
  });
}

/** `curl` words → the request it sends (only the options the docs use; any other is an error). */
export function curlRequest(args: string[]): CurlRequest {
  if (args[0] !== 'curl') throw new Error(`not a curl command: ${args.join(' ')}`);
  let method: string | undefined;
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-s' || a === '-S' || a === '-sS' || a === '-i') continue;
    if (a === '-o') i++;
    else if (a === '-X') method = args[++i];
    else if (a === '-H') {
      const h = args[++i]!;
      const colon = h.indexOf(':');
      if (colon < 1) throw new Error(`header without a name: ${h}`);
      headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
    } else if (a === '-d' || a === '--data' || a === '--data-raw') body = args[++i];
    else if (a.startsWith('-')) throw new Error(`curl option ${a} is not replayed by the docs tests`);
    else if (url === undefined) url = a;
    else throw new Error(`two URLs in one curl command: ${url}, ${a}`);
  }
  if (!url) throw new Error(`curl without a URL: ${args.join(' ')}`);
  return { method: method ?? (body === undefined ? 'GET' : 'POST'), url, headers, ...(body ? { body } : {}) };
}

/** `jq -r .a.b` → the value at that path (the only jq the docs use to keep a value). */
function jqPath(args: string[], json: any): string {
  const path = args.filter((a) => a !== 'jq' && a !== '-r');
  if (path.length !== 1 || !/^(\.[A-Za-z_]\w*)+$/.test(path[0]!)) throw new Error(`unsupported jq: ${args.join(' ')}`);
  const value = path[0]!
    .split('.')
    .slice(1)
    .reduce((v, k) => v?.[k], json);
  if (value === undefined || value === null) throw new Error(`${path[0]} is not in ${JSON.stringify(json)}`);
  return String(value);
}

export interface ReplayOptions {
  /** Called before each curl request is sent (e.g. to move the test clock to the step's time). */
  before?: (request: CurlRequest) => void | Promise<void>;
  /** Called after each curl request (e.g. to play the partner's part between two steps). */
  after?: (step: Step) => void | Promise<void>;
}

/**
 * Runs every statement of a walkthrough against the harness's app; variables carry over in `env`.
 * Each request must be answered 2xx.
 */
export async function replay(
  h: Harness,
  script: string,
  env: Record<string, string>,
  opts: ReplayOptions = {},
): Promise<Step[]> {
  const steps: Step[] = [];
  const lookup = (name: string) => {
    if (!(name in env)) throw new Error(`$${name} is used before the walkthrough sets it`);
    return env[name]!;
  };
  for (const statement of statements(script)) {
    const assign = /^([A-Z_][A-Z0-9_]*)=(.*)$/s.exec(statement);
    const capture = assign && /^\$\(([\s\S]*)\)$/.exec(assign[2]!);
    const command = capture ? capture[1]! : assign ? null : statement;
    if (command === null) {
      env[assign![1]!] = words(parse(assign![2]!, lookup), statement).join(' ');
      continue;
    }
    const segments: string[][] = [[]];
    for (const e of parse(command, lookup)) {
      if (typeof e === 'object' && 'op' in e && e.op === '|') segments.push([]);
      else segments[segments.length - 1]!.push(...words([e], statement));
    }
    const [first, ...pipes] = segments as [string[], ...string[][]];
    if (first[0] === 'npm') {
      const token = /^npm run --silent token -- --name (.+) --role (\w+)$/.exec(first.join(' '));
      expect(token, `unsupported npm command: ${statement}`).not.toBeNull();
      expect(pipes.map((p) => p.join(' '))).toEqual(['tail -n 1']);
      expect(capture, 'the token must be kept in a variable').not.toBeNull();
      env[assign![1]!] = issueToken(h.db, h.clock, token![1]!, token![2]! as UserRole).token;
      continue;
    }
    const request = curlRequest(first);
    await opts.before?.(request);
    const url = new URL(request.url);
    expect(url.origin, 'walkthroughs talk to the server started with npm start').toBe('http://localhost:3000');
    const res = await h.app.request(url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* CSV and other text: keep it */
    }
    const step: Step = { statement, request, status: res.status, body, headers: res.headers };
    expect(res.status, `${statement}\n→ ${res.status} ${text.slice(0, 600)}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${statement}\n→ ${res.status} ${text.slice(0, 600)}`).toBeLessThan(300);
    for (const p of pipes) expect(p[0], `only jq may follow a curl: ${statement}`).toBe('jq');
    if (capture) {
      expect(pipes, `a value is kept with one jq -r: ${statement}`).toHaveLength(1);
      env[assign![1]!] = jqPath(pipes[0]!, body);
    }
    steps.push(step);
    await opts.after?.(step);
  }
  return steps;
}
