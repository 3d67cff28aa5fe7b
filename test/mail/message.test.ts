/**
 * One email document, two parts: the plain text a partner's mail client shows without HTML and the
 * HTML alternative, which must say the same, escape whatever a user typed, and link with `<a href>`.
 */
import { describe, expect, it } from 'vitest';
import { messageHtml, messageText, type MessageDocument } from '../../src/mail/message.js';

const doc: MessageDocument = {
  subject: 'Referral <KENT-1> & more',
  blocks: [
    { kind: 'title', text: 'Kent Police control room referral' },
    {
      kind: 'fields',
      rows: [
        ['Reference', 'KENT-1'],
        ['Risk summary', 'says "<script>alert(1)</script>" & leaves'],
      ],
    },
    { kind: 'list', title: 'What we ask', items: ['acknowledge', 'answer'], note: 'Or we escalate.' },
    {
      kind: 'link',
      intro: 'Answer here',
      note: 'works once',
      label: 'Answer referral KENT-1',
      href: 'https://triage.example/partner/referrals/a.b?x=1&y=2',
      after: 'The link expires soon.',
    },
    { kind: 'paragraph', lines: ['First line of a paragraph', 'and its second line.'] },
  ],
};

describe('an email written once, sent as text and HTML', () => {
  it('the text part aligns labelled facts, lists with dashes and puts the link alone on its line', () => {
    expect(messageText(doc)).toBe(
      [
        'Kent Police control room referral',
        '',
        'Reference:        KENT-1',
        'Risk summary:     says "<script>alert(1)</script>" & leaves',
        '',
        'What we ask:',
        '  - acknowledge',
        '  - answer',
        '  Or we escalate.',
        '',
        'Answer here (works once):',
        'https://triage.example/partner/referrals/a.b?x=1&y=2',
        'The link expires soon.',
        '',
        'First line of a paragraph',
        'and its second line.',
        '',
      ].join('\n'),
    );
  });

  it('the HTML part is a whole document with headings, a definition list and a real link; user text is escaped', () => {
    const html = messageHtml(doc);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en-GB">\n<head><meta charset="utf-8">/);
    expect(html).toContain('<title>Referral &lt;KENT-1&gt; &amp; more</title>');
    expect(html).toContain('<h1>Kent Police control room referral</h1>');
    expect(html).toContain(
      '<dt>Risk summary</dt><dd>says &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; leaves</dd>',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('<h2>What we ask</h2><ul><li>acknowledge</li><li>answer</li></ul><p>Or we escalate.</p>');
    expect(html).toContain(
      '<p><a href="https://triage.example/partner/referrals/a.b?x=1&amp;y=2">Answer referral KENT-1</a> ' +
        '(works once).</p><p>The link expires soon.</p>',
    );
    expect(html).toContain('<p>First line of a paragraph and its second line.</p>');
    expect(html.endsWith('</body>\n</html>\n')).toBe(true);
  });
});
