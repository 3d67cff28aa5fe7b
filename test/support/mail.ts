/**
 * Reading received emails as a partner's mail client does: decoded by mailparser, never by
 * searching the raw MIME (quoted-printable wraps long lines wherever the port and the date put
 * them). The partner link is the HTML part's real `<a href>`, and the plain-text part must show the
 * very same address on a line of its own.
 */
import { readFileSync } from 'node:fs';
import { type ParsedMail, simpleParser } from 'mailparser';

/** A captured .eml file (MAIL_CAPTURE_DIR), decoded. */
export const readEml = (path: string): Promise<ParsedMail> => simpleParser(readFileSync(path));

/** Every link target in the HTML part, entity-decoded (our HTML is simple: `<a href="…">`). */
export function htmlLinks(mail: ParsedMail): string[] {
  const htmlPart = typeof mail.html === 'string' ? mail.html : '';
  return [...htmlPart.matchAll(/<a href="([^"]*)"/g)].map((m) =>
    m[1]!
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&'),
  );
}

/**
 * The partner response link of a referral email, or null when it has none. Throws when the two
 * parts disagree, so a test can never follow a link the reader of the other part would not see.
 */
export function partnerLink(mail: ParsedMail): string | null {
  const inHtml = htmlLinks(mail).filter((href) => href.includes('/partner/referrals/'));
  const inText = (mail.text ?? '').split('\n').filter((line) => line.includes('/partner/referrals/'));
  if (inHtml.length === 0 && inText.length === 0) return null;
  if (inHtml.length !== 1 || inText.length !== 1 || inText[0]!.trim() !== inHtml[0])
    throw new Error(`the text and HTML parts disagree on the partner link: ${JSON.stringify({ inHtml, inText })}`);
  return inHtml[0]!;
}
