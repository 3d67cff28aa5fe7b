/**
 * The evidence pack as one self-contained HTML document (inline CSS and SVG, no scripts, no
 * external requests) that prints to A4: a two-page summary a PCC can lift into a paper (headline
 * figures with the change on the previous equal period, key findings, four key charts), then the
 * contents, the detailed sections (captioned tables with header scopes, the previous period's
 * total and the change beside every section total), and the notes (the "[c]" symbol, rates,
 * sources, data quality). Every printed page carries the protective marking and its page number.
 */
import { type Change, cellOf, change as changeBetween } from './comparison.js';
import type { Chart, EvidencePack } from './evidence-pack.js';
import { monthLabel } from './evidence-pack.js';
import { changeText, percent } from './findings.js';
import { type Cell, formatCell } from './format.js';
import { suppressionNote, SUPPRESSED } from './suppression.js';
import type { DemandReport, OutputRow, OutputSection } from './types.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A CSS string literal (for @page margin boxes). */
export const cssString = (s: string) => `"${s.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, ' ')}"`;

/** Key charts drawn across the page; the others sit two to a row. */
const WIDE = new Set(['monthly-trend', 'agency-answer-times']);

/** Who a copy was produced for, as a reader names them. */
const ROLE_NAME: Record<string, string> = {
  pcc_analyst: "the PCC's analyst (small figures withheld)",
  mh_lead: 'the force mental-health lead (all figures)',
  supervisor: 'a control-room supervisor (all figures)',
  admin: 'an administrator (all figures)',
};

/** Figures per printed table: a section with more is split into tables of at most this many, so every column fits. */
const MAX_TABLE_MEASURES = 6;

function css(marking: string, running: string): string {
  return `body{font-family:Arial,Helvetica,sans-serif;max-width:52rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b;
line-height:1.45;font-size:15px}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.25rem;margin:1.6rem 0 .5rem;border-bottom:2px solid #1b1b1b;
break-after:avoid}h3{font-size:1.05rem;margin:1.1rem 0 .3rem;break-after:avoid}
.kicker{font-weight:bold;margin:0;color:#444}.sub{color:#444;margin:.2rem 0 .6rem}
.marking{text-align:center;font-weight:bold;letter-spacing:.05em;margin:0 0 .6rem}
.head{display:grid;grid-template-columns:repeat(3,1fr);gap:.45rem}
.fig{border:1px solid #b1b4b6;border-top:4px solid #0072B2;padding:.35rem .5rem;font-size:.85rem;break-inside:avoid}
.fig b{font-size:1.35rem;display:block;margin:.1rem 0}.fig span{display:block;color:#444;font-size:.8rem}
ul.findings{padding-left:1.2rem;margin:.3rem 0}ul.findings li{margin:.25rem 0}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:.4rem .8rem}.charts .wide{grid-column:1 / -1}
figure{margin:.5rem 0;break-inside:avoid}figure svg{max-width:100%;height:auto;display:block}
figcaption{font-size:.8rem;color:#444}a{color:#1d4f91}
table{border-collapse:collapse;width:calc(100% - 2px);margin:.5rem 0 .9rem;font-size:.82rem;break-inside:avoid}
caption{text-align:left;font-weight:bold;padding:.2rem 0;caption-side:top}
th,td{border:1px solid #b1b4b6;padding:.2rem .4rem;text-align:left;vertical-align:top}
thead th{background:#f3f2f1}td.n{text-align:right;white-space:nowrap}
tr.total th,tr.total td{font-weight:bold;border-top:2px solid #1b1b1b}
tr.prev th,tr.prev td,tr.chg th,tr.chg td{color:#333}
.note{background:#f3f2f1;border-left:5px solid #1d70b8;padding:.4rem .7rem;font-size:.85rem}
.warn{background:#fff7d6;border-left:5px solid #b58800;padding:.4rem .7rem}
nav.contents ul{list-style:none;padding-left:0}nav.contents li{margin:.15rem 0}
table[data-table="quality"] tbody th{font-weight:normal}
dl.defs dt{font-weight:bold;margin-top:.35rem}dl.defs dd{margin:0 0 0 1rem}
@page{size:A4;margin:18mm 14mm 17mm;
@top-center{content:${cssString(marking)};font:bold 9pt Arial,Helvetica,sans-serif}
@bottom-center{content:${cssString(marking)};font:bold 9pt Arial,Helvetica,sans-serif}
@bottom-left{content:${cssString(running)};font:8pt Arial,Helvetica,sans-serif;color:#444}
@bottom-right{content:"Page " counter(page) " of " counter(pages);font:9pt Arial,Helvetica,sans-serif}}
@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}.marking,.dl{display:none}
.fig{padding:.2rem .4rem;font-size:.78rem}.fig b{font-size:1.15rem;margin:0}.fig span{font-size:.74rem}
#summary h2{margin:.7rem 0 .35rem}ul.findings li{margin:.12rem 0}#summary-charts h2{margin:0 0 .3rem}
figure{margin:.15rem 0}.charts{gap:.1rem .8rem}.note{font-size:.74rem;padding:.2rem .5rem;margin:.3rem 0}
.summary-page{break-after:page}nav.contents{break-after:page}thead{display:table-header-group}
tr{break-inside:avoid}a{color:inherit;text-decoration:none}#sec-headlines{break-before:page}}`;
}

function fmtChange(c: Change): string {
  if (c.suppressed) return SUPPRESSED;
  if (c.value === null) return '—';
  const sign = c.value > 0 ? '+' : c.value < 0 ? '−' : '';
  return c.kind === 'points' ? `${sign}${Math.abs(c.value).toFixed(1)} pts` : `${sign}${percent(c.value)}%`;
}

const td = (c: Cell, unit: string) =>
  `<td class="n" data-unit="${unit}">${formatCell(c, unit as 'count' | 'hours' | 'share' | 'minutes' | 'rate')}</td>`;

function groupLabel(r: DemandReport, s: OutputSection, group: string): string {
  return esc(s.groupBy === 'month' ? monthLabel(group) : (r.labels[group] ?? group));
}

const GROUP_HEADING: Record<string, string> = {
  month: 'Month',
  agency: 'Agency',
  district: 'District',
  category: 'Category',
};

function sectionTables(pack: EvidencePack, s: OutputSection, prev: OutputSection, n: number): string {
  const r = pack.report;
  const groups = s.rows.length > 1 ? s.rows : [];
  const parts = Math.ceil(s.measures.length / MAX_TABLE_MEASURES);
  const size = Math.ceil(s.measures.length / parts);
  const chunks = Array.from({ length: parts }, (_, i) => s.measures.slice(i * size, (i + 1) * size));
  const by = s.groupBy && groups.length ? ` by ${GROUP_HEADING[s.groupBy]!.toLowerCase()}` : '';
  return chunks
    .map((measures, k) => {
      const caption =
        `Table ${n}.${k + 1}: ${esc(s.title)}${by}, ${esc(pack.period.text)}` +
        (parts > 1 ? ` (part ${k + 1} of ${parts})` : '');
      const head =
        `<thead><tr><th scope="col">${s.groupBy && groups.length ? GROUP_HEADING[s.groupBy] : 'Period'}</th>` +
        measures.map((m) => `<th scope="col">${esc(m.label)}</th>`).join('') +
        '</tr></thead>';
      const row = (label: string, x: OutputRow, cls = '') =>
        `<tr${cls ? ` class="${cls}"` : ''}><th scope="row">${label}</th>` +
        measures.map((m) => td(cellOf(x, m.id), m.unit)).join('') +
        '</tr>';
      const change =
        '<tr class="chg"><th scope="row">Change on previous period</th>' +
        measures
          .map((m) => {
            const c = changeOf(cellOf(s.total, m.id), cellOf(prev.total, m.id), m.unit, pack.previousHasData);
            return `<td class="n" data-unit="change">${fmtChange(c)}</td>`;
          })
          .join('') +
        '</tr>';
      return (
        `<table data-section="${esc(s.id)}"><caption>${caption}</caption>${head}<tbody>` +
        groups.map((g) => row(groupLabel(r, s, g.group), g)).join('') +
        row(`Total ${esc(pack.period.name)}`, s.total, 'total') +
        row(`Total ${esc(pack.previousPeriod.name)} (previous period)`, prev.total, 'prev') +
        change +
        '</tbody></table>'
      );
    })
    .join('\n');
}

const changeOf = (cur: Cell, prev: Cell, unit: OutputSection['measures'][number]['unit'], hasData: boolean): Change =>
  hasData
    ? changeBetween(cur, prev, unit)
    : { kind: unit === 'share' ? 'points' : 'percent', value: null, suppressed: false };

function figure(c: Chart, wide: boolean): string {
  const data = Buffer.from(c.svg, 'utf8').toString('base64');
  return (
    `<figure class="chart${wide ? ' wide' : ''}" id="${c.id}">${c.svg}` +
    `<figcaption>Data: ${c.id}.csv in the ZIP of CSVs. ` +
    `<a class="dl" download="${c.id}.svg" href="data:image/svg+xml;base64,${data}">Download “${esc(c.title)}” ` +
    'as SVG</a></figcaption></figure>'
  );
}

function headlineTiles(pack: EvidencePack): string {
  return pack.headlines
    .map((h) => {
      const prev = pack.previousHasData
        ? `${esc(pack.previousPeriod.name)}: ${formatCell(h.previous, h.unit)}` +
          (changeText(h.change, '') ? ` (${esc(changeText(h.change, '')!.replace(/ on $/, ''))})` : '')
        : `${esc(pack.previousPeriod.name)}: no data`;
      const rate = h.rate ? `<span>${formatCell(h.rate, 'rate')} per 100,000 people</span>` : '';
      return (
        `<div class="fig" title="${esc(h.definition)}">${esc(h.label)}<b data-unit="${h.unit}">` +
        `${formatCell(h.current, h.unit)}</b><span>${prev}</span>${rate}</div>`
      );
    })
    .join('');
}

function headlineTable(pack: EvidencePack): string {
  const p = esc(pack.period.name);
  const q = esc(pack.previousPeriod.name);
  const rows = pack.headlines
    .map(
      (h) =>
        `<tr><th scope="row">${esc(h.label)}</th>${td(h.current, h.unit)}` +
        `${pack.previousHasData ? td(h.previous, h.unit) : '<td class="n">no data</td>'}` +
        `<td class="n" data-unit="change">` +
        `${fmtChange(pack.previousHasData ? h.change : { ...h.change, value: null })}</td>` +
        `${h.rate ? td(h.rate, 'rate') : '<td class="n">—</td>'}` +
        `${h.previousRate && pack.previousHasData ? td(h.previousRate, 'rate') : '<td class="n">—</td>'}</tr>`,
    )
    .join('');
  const n = pack.national;
  const national = n
    ? `<tr><th scope="row">s.136 detentions, England and Wales ${esc(n.year)}</th>` +
      `<td class="n" data-unit="count">${n.detentions.toLocaleString('en-GB')}</td><td class="n">—</td>` +
      `<td class="n">—</td><td class="n" data-unit="rate">${n.rate.toFixed(1)}</td><td class="n">—</td></tr>`
    : '';
  return (
    `<table data-table="headlines"><caption>Table 1: Headline figures, ${esc(pack.period.text)}, compared with ` +
    `${esc(pack.previousPeriod.text)}</caption><thead><tr><th scope="col">Figure</th><th scope="col">${p}</th>` +
    `<th scope="col">${q}</th><th scope="col">Change</th><th scope="col">Per 100,000 people, ${p}</th>` +
    `<th scope="col">Per 100,000 people, ${q}</th></tr></thead><tbody>${rows}${national}</tbody></table>`
  );
}

function notes(pack: EvidencePack): string {
  const r = pack.report;
  const t = r.suppression.threshold;
  const pop = pack.population;
  const n = pack.national;
  const quality = r.dataQuality
    .map((q) => {
      const v =
        q.value === null && !q.suppressed
          ? '—'
          : formatCell({ value: q.value, suppressed: q.suppressed }, q.unit ?? 'count');
      return `<tr><th scope="row">${esc(q.text)}</th><td class="n" data-unit="${q.unit ?? ''}">${v}</td></tr>`;
    })
    .join('');
  return (
    '<section class="sec" id="notes" aria-labelledby="h-notes"><h2 id="h-notes">Notes</h2>' +
    `<h3>Symbol used: [c]</h3><p>${esc(suppressionNote(t))}</p>` +
    (r.suppression.applied
      ? `<p>${esc(r.suppression.rule)}</p>`
      : '<p class="warn">Small-number suppression is <b>not</b> applied to this copy (your role may see every ' +
        'figure). Do not publish it as it is: ask for the PCC copy.</p>') +
    `<h3>Who is counted</h3><p>${esc(r.population)}</p>` +
    `<h3>Comparisons</h3><p>Each figure is set beside the same figure for the previous period of equal length ` +
    `(${esc(pack.previousPeriod.text)}), computed in the same way. Changes in counts, hours and times are given ` +
    'in per cent of the earlier figure (to the nearest whole per cent, or to one decimal below 1%); changes in ' +
    'shares are given in percentage ' +
    'points. No change is given where either figure is withheld or the earlier figure is 0.</p>' +
    '<h3>Medians</h3><p>Waiting and answer times are medians: half of the cases took longer and half less, so a ' +
    'few very long waits do not distort the figure as they would an average.</p>' +
    '<h3>Rates per 100,000 people</h3><p>' +
    (pop
      ? `Rates divide a figure for the period by the population of the force area and multiply by 100,000: ` +
        `${pop.value.toLocaleString('en-GB')} people (${esc(pop.description)}; source: ${esc(pop.source)}).`
      : 'No population is configured for the force area, so no rates are given.') +
    '</p>' +
    (n
      ? `<h3>National comparison</h3><p>s.136 detentions in England and Wales in ${esc(n.year)}: ` +
        `${n.detentions.toLocaleString('en-GB')} (source: ${esc(n.source)}), ${n.rate.toFixed(1)} per 100,000 ` +
        `people (population ${n.population.toLocaleString('en-GB')}: ${esc(n.populationSource)}).` +
        (n.sameYear ? '' : ' The national figure for this year is not yet published; the latest year is shown.') +
        ' The national series counts detentions by the date of detention; this pack counts them by the date of the ' +
        'call, so the two can differ slightly at the ends of the year.</p>'
      : '') +
    `<h3>Data quality</h3><table data-table="quality"><caption>Table ${r.sections.length + 2}: Data quality, ` +
    `${esc(pack.period.text)}</caption><thead><tr><th scope="col">Note</th><th scope="col">Figure</th></tr></thead>` +
    `<tbody>${quality}</tbody></table>` +
    '<p class="sub">The figures are computed from the event log of this system. No personal identifiers are ' +
    'included.</p></section>'
  );
}

export function evidencePackHtml(pack: EvidencePack, generatedBy: string): string {
  const r = pack.report;
  const keyCharts = pack.charts.filter((c) => c.key);
  const running = `${r.title}, ${pack.period.name}`;
  const periodLine =
    pack.period.name === pack.period.text ? pack.period.text : `${pack.period.name}: ${pack.period.text}`;
  const sections = r.sections
    .map((s, i) => {
      const n = i + 2;
      const prev = pack.previous.sections.find((x) => x.id === s.id)!;
      const cs = pack.charts.filter((c) => c.section === s.id);
      const chartsHere = cs
        .map((c) =>
          c.key ? `<p class="sub">Chart: “${esc(c.title)}” is on the second page of the summary.</p>` : figure(c, true),
        )
        .join('');
      return (
        `<section class="sec" id="sec-${s.id}" aria-labelledby="h-${s.id}"><h2 id="h-${s.id}">${n}. ` +
        `${esc(s.title)}</h2><p>${esc(s.definition)}</p>` +
        (s.groupingNote ? `<p><i>${esc(s.groupingNote)}</i></p>` : '') +
        chartsHere +
        sectionTables(pack, s, prev, n) +
        `<h3>Definitions</h3><dl class="defs">` +
        s.measures.map((m) => `<dt>${esc(m.label)}</dt><dd>${esc(m.definition)}</dd>`).join('') +
        '</dl></section>'
      );
    })
    .join('\n');
  const contents = [
    ['sec-headlines', '1. Comparison with the previous period'],
    ...r.sections.map((s, i) => [`sec-${s.id}`, `${i + 2}. ${s.title}`]),
    ['notes', 'Notes: the [c] symbol, comparisons, rates, sources and data quality'],
  ]
    .map(([id, text]) => `<li><a href="#${id}">${esc(text!)}</a></li>`)
    .join('');
  const suppression = r.suppression.applied
    ? `<p class="note">${esc(suppressionNote(r.suppression.threshold))}</p>`
    : '<p class="warn">Small-number suppression is <b>not</b> applied to this copy. Do not publish it as it is.</p>';
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>${esc(r.title)}: evidence pack, ${esc(pack.period.text)}</title>
<style>${css(pack.marking, running)}</style></head>
<body>
<p class="marking">${esc(pack.marking)}</p>
<main>
<div class="summary-page" id="summary">
<p class="kicker">Evidence pack for the Police and Crime Commissioner</p>
<h1>${esc(r.title)}</h1>
<p class="sub">${esc(periodLine)}
(force-local dates, ${esc(r.period.timeZone)}), compared with ${esc(pack.previousPeriod.name)}. Produced
${esc(r.generatedAt.slice(0, 10))} for ${esc(ROLE_NAME[generatedBy] ?? generatedBy)}.</p>
<h2>Headline figures</h2>
<div class="head">${headlineTiles(pack)}</div>
<h2>Key findings</h2>
<ul class="findings">${pack.findings.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>
</div>
<div class="summary-page" id="summary-charts">
<h2>Key charts</h2>
<div class="charts">${keyCharts.map((c) => figure(c, WIDE.has(c.id))).join('')}</div>
${suppression}
</div>
<nav class="contents" aria-labelledby="h-contents"><h2 id="h-contents">Contents</h2><ul>${contents}</ul></nav>
<section class="sec" id="sec-headlines" aria-labelledby="h-headlines"><h2 id="h-headlines">1. Comparison with
the previous period</h2>${headlineTable(pack)}<dl class="defs">${pack.headlines
    .map((h) => `<dt>${esc(h.label)}</dt><dd>${esc(h.definition)}</dd>`)
    .join('')}</dl></section>
${sections}
${notes(pack)}
</main>
<p class="marking">${esc(pack.marking)}</p>
</body></html>`;
}
