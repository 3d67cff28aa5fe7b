/**
 * The table of every report figure and its definition in docs/reports.md, generated from the
 * report's section modules (so the docs say exactly what the report does). Between
 * <!-- definitions --> and <!-- /definitions -->; `npm run docs:diagrams` rewrites it.
 */
import { SECTIONS } from '../reports/demand-report.js';

export function definitionsMarkdown(): string {
  const out: string[] = [];
  for (const s of SECTIONS) {
    out.push(`**${s.title}** (\`${s.id}\`). ${s.definition}`, '');
    out.push('| figure | unit | definition |', '|---|---|---|');
    for (const m of s.measures)
      out.push(`| ${m.label} (\`${m.id}\`) | ${m.unit} | ${m.definition.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n').trimEnd();
}

export function replaceDefinitions(markdown: string, table = definitionsMarkdown()): string {
  return markdown.replace(
    /(<!-- definitions -->\n)[\s\S]*?(\n<!-- \/definitions -->)/,
    (_m, a: string, b: string) => `${a}${table}${b}`,
  );
}
