/**
 * An email written once as a small document and rendered twice: as plain text and as simple,
 * accessible HTML (headings, a definition list, real links; no images, styles or anything fetched
 * from elsewhere). Both parts come from the same blocks, so they always say the same thing, and a
 * link is a real `<a href>` in the HTML part — readers click it, tests read it decoded, and nobody
 * has to find a URL in quoted-printable text that the encoder wrapped.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type MessageBlock =
  /** The first line of the text; the page heading of the HTML. */
  | { kind: 'title'; text: string }
  /** Labelled facts: aligned "Label:   value" lines; a definition list. */
  | { kind: 'fields'; rows: ReadonlyArray<readonly [label: string, value: string]> }
  /** A titled section of free text. */
  | { kind: 'section'; title: string; text: string }
  /** A titled bullet list with an optional closing note. */
  | { kind: 'list'; title: string; items: readonly string[]; note?: string }
  /** A link: "intro (note):" then the address on its own line; in HTML, `label` is the link text. */
  | { kind: 'link'; intro: string; note: string; label: string; href: string; after?: string }
  /** A paragraph; its lines are kept as lines in the text and joined in the HTML. */
  | { kind: 'paragraph'; lines: readonly string[] };

export interface MessageDocument {
  subject: string;
  blocks: readonly MessageBlock[];
}

/** The width of a field label column in the text part ("Risk summary:     "). */
const LABEL_COLUMN = 18;

function textBlock(b: MessageBlock): string[] {
  switch (b.kind) {
    case 'title':
      return [b.text];
    case 'fields':
      return b.rows.map(([label, value]) => `${`${label}:`.padEnd(LABEL_COLUMN)}${value}`);
    case 'section':
      return [`${b.title}:`, b.text];
    case 'list':
      return [`${b.title}:`, ...b.items.map((i) => `  - ${i}`), ...(b.note ? [`  ${b.note}`] : [])];
    case 'link':
      return [`${b.intro} (${b.note}):`, b.href, ...(b.after ? [b.after] : [])];
    case 'paragraph':
      return [...b.lines];
  }
}

/** The plain-text part: blocks separated by a blank line, ending with a newline. */
export function messageText(doc: MessageDocument): string {
  return `${doc.blocks.map((b) => textBlock(b).join('\n')).join('\n\n')}\n`;
}

/** hono's `html` escapes every interpolated string; with no async parts its result is a plain string. */
function sync(s: HtmlEscapedString | Promise<HtmlEscapedString>): HtmlEscapedString {
  if (s instanceof Promise) throw new Error('email HTML must be rendered synchronously');
  return s;
}

function htmlBlock(b: MessageBlock): HtmlEscapedString {
  switch (b.kind) {
    case 'title':
      return sync(html`<h1>${b.text}</h1>`);
    case 'fields':
      return sync(html`<dl>${b.rows.map(([label, value]) => html`<dt>${label}</dt><dd>${value}</dd>`)}</dl>`);
    case 'section':
      return sync(html`<h2>${b.title}</h2><p>${b.text}</p>`);
    case 'list': {
      const items = b.items.map((i) => html`<li>${i}</li>`);
      return sync(html`<h2>${b.title}</h2><ul>${items}</ul>${b.note ? html`<p>${b.note}</p>` : ''}`);
    }
    case 'link': {
      const after = b.after ? html`<p>${b.after}</p>` : '';
      return sync(html`<p><a href="${b.href}">${b.label}</a> (${b.note}).</p>${after}`);
    }
    case 'paragraph':
      return sync(html`<p>${b.lines.join(' ')}</p>`);
  }
}

/** The HTML part: a complete, self-contained document in British English. */
export function messageHtml(doc: MessageDocument): string {
  const head = html`<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${doc.subject}</title>`;
  const body = doc.blocks.map((b) => `${htmlBlock(b)}\n`).join('');
  return `<!DOCTYPE html>\n<html lang="en-GB">\n<head>${sync(head)}</head>\n<body>\n${body}</body>\n</html>\n`;
}

/** Subject, text and HTML of one email. */
export function renderMessage(doc: MessageDocument): { subject: string; body: string; html: string } {
  return { subject: doc.subject, body: messageText(doc), html: messageHtml(doc) };
}
