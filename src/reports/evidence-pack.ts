/**
 * The evidence pack: one self-contained HTML document (inline CSS, charts drawn as SVG, no
 * scripts, no external requests; prints to PDF from any browser) with the headline figures, the
 * charts, every definition and the data-quality notes — and a ZIP of the CSV behind every chart.
 * Built from the same demand report (same queries, same suppression) as the API.
 */
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';
import { reportCsv, CSV_COLUMNS } from './csv.js';
import { runDemandReport, type RunOptions } from './demand-report.js';
import type { DemandReport, OutputRow, OutputSection } from './types.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function evidenceReport(
  o: Omit<RunOptions, 'groupByOverride' | 'params'> & { params: { from: string; to: string } },
): DemandReport {
  return runDemandReport({ ...o, params: { ...o.params, groupBy: 'month' }, groupByOverride: { referrals: 'agency' } });
}

const section = (r: DemandReport, id: string) => r.sections.find((s) => s.id === id)!;
const measure = (s: OutputSection, id: string) => s.measures.find((m) => m.id === id)!;

function fmt(v: number | null | undefined, unit: string, suppressed: boolean, t: number): string {
  if (suppressed) return `&lt;${t}`;
  if (v === null || v === undefined) return '—';
  if (unit === 'share') return `${(v * 100).toFixed(1)}%`;
  if (unit === 'hours') return v.toLocaleString('en-GB', { maximumFractionDigits: 1 });
  if (unit === 'minutes') return `${v.toLocaleString('en-GB', { maximumFractionDigits: 1 })} min`;
  return v.toLocaleString('en-GB');
}

function cell(r: DemandReport, s: OutputSection, row: OutputRow | null, id: string): string {
  if (!row) return '—';
  return fmt(row.cells[id], measure(s, id).unit, row.suppressed.includes(id), r.suppression.threshold);
}

/** The row header of a grouped table: a month as "Apr 25", a district or category by its label. */
function groupLabel(r: DemandReport, s: OutputSection, group: string): string {
  if (group === 'all') return 'All';
  return esc(s.groupBy === 'month' ? monthLabel(group) : (r.labels[group] ?? group));
}

// Charts -----------------------------------------------------------------------------------------

interface Bar {
  unit?: string;
  label: string;
  value: number | null;
  suppressed: boolean;
  text: string;
}

/** Horizontal bars; a withheld value has no bar and reads "<5". */
function hbars(title: string, bars: Bar[], unit: string): string {
  const w = 720;
  const rowH = 26;
  const left = 320;
  const h = 30 + bars.length * rowH;
  const max = Math.max(1e-9, ...bars.map((b) => b.value ?? 0));
  const items = bars
    .map((b, i) => {
      const y = 24 + i * rowH;
      const bw = b.value && !b.suppressed ? Math.max(1, ((w - left - 90) * b.value) / max) : 0;
      const label = b.label.length > 48 ? `${b.label.slice(0, 46)}…` : b.label;
      return (
        `<text x="${left - 8}" y="${y + 15}" text-anchor="end" class="l">${esc(label)}</text>` +
        (bw ? `<rect x="${left}" y="${y + 3}" width="${bw.toFixed(1)}" height="${rowH - 8}" class="b"/>` : '') +
        `<text x="${left + bw + 6}" y="${y + 15}" class="v" data-unit="${b.unit ?? ''}">${b.text}</text>`
      );
    })
    .join('');
  return (
    `<svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" ` +
    `xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title><text x="0" y="14" class="t">${esc(title)} ` +
    `(${esc(unit)})</text>${items}</svg>`
  );
}

/** Vertical bars over months. */
function monthBars(title: string, bars: Bar[], unit: string): string {
  const w = 680;
  const h = 240;
  const bottom = 200;
  const n = Math.max(1, bars.length);
  const slot = (w - 50) / n;
  const max = Math.max(1e-9, ...bars.map((b) => (b.suppressed ? 0 : (b.value ?? 0))));
  const items = bars
    .map((b, i) => {
      const x = 45 + i * slot;
      const bh = b.value && !b.suppressed ? ((bottom - 40) * b.value) / max : 0;
      return (
        (bh
          ? `<rect x="${(x + slot * 0.15).toFixed(1)}" y="${(bottom - bh).toFixed(1)}" ` +
            `width="${(slot * 0.7).toFixed(1)}" height="${bh.toFixed(1)}" class="b"/>`
          : '') +
        `<text x="${(x + slot / 2).toFixed(1)}" y="${(bottom - bh - 4).toFixed(1)}" text-anchor="middle" class="v s" ` +
        `data-unit="${b.unit ?? ''}">${b.text}</text>` +
        `<text x="${(x + slot / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" class="l ` +
        `s">${esc(b.label)}</text>`
      );
    })
    .join('');
  return (
    `<svg role="img" aria-label="${esc(title)}" viewBox="0 0 ${w} ${h}" width="100%" ` +
    `xmlns="http://www.w3.org/2000/svg"><title>${esc(title)}</title><text x="0" y="14" class="t">${esc(title)} ` +
    `(${esc(unit)})</text><line x1="40" y1="${bottom}" x2="${w}" y2="${bottom}" class="ax"/>${items}</svg>`
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const monthLabel = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(2, 4)}`;

interface Chart {
  id: string;
  title: string;
  svg: string;
  csv: string;
}

function bar(r: DemandReport, s: OutputSection, row: OutputRow, id: string, label: string): Bar {
  const suppressed = row.suppressed.includes(id);
  return { label, value: row.cells[id] ?? null, suppressed, text: cell(r, s, row, id), unit: measure(s, id).unit };
}

function chartCsv(
  rows: Array<Record<string, string | number | null>>,
  threshold: number,
  suppressedKey = 'suppressed',
): string {
  return stringify(
    rows.map((x) => ({ ...x, value: x[suppressedKey] === 'true' ? `<${threshold}` : x.value })),
    { header: true },
  );
}

export function charts(r: DemandReport): Chart[] {
  const t = r.suppression.threshold;
  const mh = section(r, 'mhIncidents');
  const hours = section(r, 'officerHours');
  const rc = section(r, 'rcrp');
  const ref = section(r, 'referrals');
  const s136 = section(r, 's136Detentions');
  const s136Outcomes = section(r, 's136Outcomes');

  const trend = mh.rows.map((row) => ({ ...bar(r, mh, row, 'mhRelated', monthLabel(row.group)), month: row.group }));
  const segIds = hours.measures.filter((m) => m.id.startsWith('hours') && m.id !== 'hours').map((m) => m.id);
  const segments = hours.total
    ? segIds.map((id) => bar(r, hours, hours.total!, id, measure(hours, id).label.replace('Officer-hours: ', '')))
    : [];
  const outcomes = rc.total
    ? ['decisionDeploy', 'decisionJoint', 'decisionHandover', 'decisionAdvice', 'decisionNone'].map((id) =>
        bar(r, rc, rc.total!, id, measure(rc, id).label),
      )
    : [];
  // Every category that occurred, and any the suppression withheld (a withheld 0 must not stand out by its absence).
  const shown = (prefix: string) =>
    s136.measures.filter(
      (m) => m.id.startsWith(prefix) && (s136.total.cells[m.id] !== 0 || s136.total.suppressed.includes(m.id)),
    );
  const places = [...shown('pos_'), measure(s136, 'posNone')].map((m) => ({
    ...bar(r, s136, s136.total, m.id, m.label.replace('First place of safety: ', '')),
    id: m.id,
  }));
  const conveyance = [...shown('conv_'), measure(s136, 'convNone')].map((m) => ({
    ...bar(r, s136, s136.total, m.id, m.label.replace('Conveyed by ', '')),
    id: m.id,
  }));
  const outcomeBars = [
    ...s136Outcomes.measures.filter(
      (m) =>
        m.id.startsWith('outcome_') &&
        (s136Outcomes.total.cells[m.id] !== 0 || s136Outcomes.total.suppressed.includes(m.id)),
    ),
    measure(s136Outcomes, 'running'),
  ].map((m) => ({ ...bar(r, s136Outcomes, s136Outcomes.total, m.id, m.label.replace('Outcome: ', '')), id: m.id }));
  const agencies = ref.rows.map((row) => ({
    ...bar(r, ref, row, 'meanAnswerMinutes', r.labels[row.group] ?? row.group),
    agency: row.group,
    answered: row,
  }));

  return [
    {
      id: 'monthly-trend',
      title: 'MH-related incidents by month',
      svg: monthBars('MH-related incidents by month', trend, 'incidents'),
      csv: chartCsv(
        trend.map((b) => ({ month: b.month, measure: 'mhRelated', value: b.value, suppressed: String(b.suppressed) })),
        t,
      ),
    },
    {
      id: 'hours-by-segment',
      title: 'Officer-hours by activity',
      svg: hbars('Officer-hours by activity', segments, 'officer-hours'),
      csv: chartCsv(
        segments.map((b, i) => ({
          activity: segIds[i]!,
          label: b.label,
          value: b.value,
          suppressed: String(b.suppressed),
        })),
        t,
      ),
    },
    {
      id: 'rcrp-outcomes',
      title: 'RCRP decisions (incidents in RCRP scope)',
      svg: hbars('RCRP decisions (incidents in RCRP scope)', outcomes, 'incidents'),
      csv: chartCsv(
        outcomes.map((b) => ({ decision: b.label, value: b.value, suppressed: String(b.suppressed) })),
        t,
      ),
    },
    {
      id: 'agency-answer-times',
      title: 'Mean time for partner agencies to answer a referral',
      svg: hbars('Mean time for partner agencies to answer a referral', agencies, 'minutes'),
      csv: chartCsv(
        agencies.map((b) => ({
          agency: b.agency,
          referrals: b.answered.suppressed.includes('referrals') ? `<${t}` : (b.answered.cells.referrals ?? ''),
          meanAnswerMinutes: b.value,
          value: b.value,
          suppressed: String(b.suppressed),
        })),
        t,
      ),
    },
    {
      id: 's136-by-place-of-safety',
      title: 's.136 detentions by first place of safety',
      svg: hbars('s.136 detentions by first place of safety', places, 'detentions'),
      csv: chartCsv(
        places.map((b) => ({
          firstPlaceOfSafety: b.id,
          label: b.label,
          value: b.value,
          suppressed: String(b.suppressed),
        })),
        t,
      ),
    },
    {
      id: 's136-by-conveyance',
      title: 's.136 detentions by conveyance to the first place of safety',
      svg: hbars('s.136 detentions by conveyance to the first place of safety', conveyance, 'detentions'),
      csv: chartCsv(
        conveyance.map((b) => ({ conveyance: b.id, label: b.label, value: b.value, suppressed: String(b.suppressed) })),
        t,
      ),
    },
    {
      id: 's136-outcomes',
      title: 's.136 detentions by outcome',
      svg: hbars('s.136 detentions by outcome', outcomeBars, 'detentions'),
      csv: chartCsv(
        outcomeBars.map((b) => ({
          outcome: b.id.replace('outcome_', ''),
          label: b.label,
          value: b.value,
          suppressed: String(b.suppressed),
        })),
        t,
      ),
    },
  ];
}

const CSS = `body{font-family:Georgia,'Times New Roman',serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#1b1b1b;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}
h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #bbb;page-break-after:avoid}
.sub{color:#555}table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}
.head{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.6rem}
.fig{border:1px solid #ccc;padding:.5rem .7rem}.fig b{font-size:1.4rem;display:block}
svg text{font-family:Arial,Helvetica,sans-serif;font-size:12px}svg .t{font-weight:bold;font-size:13px}
svg .b{fill:#1d4f91}svg .s{font-size:10px}svg .ax{stroke:#888}
.chart{page-break-inside:avoid;margin:1rem 0}.note{background:#fff8e1;border-left:4px solid #e0a800;padding:.4rem .7rem}
@media print{body{margin:0;max-width:none}a{color:inherit}}`;

/** Figures per printed table: a section with more is split into tables of at most this many, so every column fits an A4
 * page. */
const MAX_TABLE_MEASURES = 6;

function table(r: DemandReport, s: OutputSection): string {
  const rows = s.total ? [...(s.rows.length > 1 ? s.rows : []), s.total] : s.rows;
  const parts = Math.ceil(s.measures.length / MAX_TABLE_MEASURES);
  const size = Math.ceil(s.measures.length / parts);
  const chunks = Array.from({ length: parts }, (_, i) => s.measures.slice(i * size, (i + 1) * size));
  return chunks
    .map((measures) => {
      const labels = measures.map((m) => `<th>${esc(m.label)}</th>`).join('');
      const head = `<tr><th>${s.groupBy ? esc(s.groupBy) : ''}</th>${labels}</tr>`;
      const body = rows
        .map(
          (row) =>
            `<tr><th>${groupLabel(r, s, row.group)}</th>` +
            measures.map((m) => `<td class="n" data-unit="${m.unit}">${cell(r, s, row, m.id)}</td>`).join('') +
            '</tr>',
        )
        .join('');
      return `<table data-section="${esc(s.id)}">${head}${body}</table>`;
    })
    .join('\n');
}

export function evidencePackHtml(r: DemandReport, generatedBy: string): string {
  const t = r.suppression.threshold;
  const mh = section(r, 'mhIncidents');
  const hours = section(r, 'officerHours');
  const rc = section(r, 'rcrp');
  const ref = section(r, 'referrals');
  const rel = section(r, 'hoursReleased');
  const rep = section(r, 'repeatDemand');
  const s136 = section(r, 's136Detentions');
  const handover = section(r, 'handoverAtPlaceOfSafety');
  const att = section(r, 'attendance');
  const s136Outcomes = section(r, 's136Outcomes');
  const fig = (s: OutputSection, id: string, label: string): [string, string, string, string] => [
    label,
    cell(r, s, s.total, id),
    measure(s, id).definition,
    measure(s, id).unit,
  ];
  const head: Array<[string, string, string, string]> = [
    fig(mh, 'mhRelated', 'MH-related incidents'),
    fig(mh, 'shareOfAllIncidents', 'Share of all incidents'),
    fig(hours, 'officerHours', 'Officer-hours'),
    fig(hours, 'waitingShare', 'Officer-hours waiting (A&E or place of safety)'),
    fig(att, 'attendanceMetShare', 'Attended within the grade target'),
    fig(rc, 'notDeployedShare', 'RCRP: not deployed'),
    fig(ref, 'referrals', 'Referrals to partners'),
    fig(ref, 'acceptedShare', 'Referrals accepted'),
    fig(rel, 'releasedOfficerHours', 'Hours released'),
    fig(rep, 'highIntensityPeople', 'High-intensity people'),
    fig(s136, 'detentions', 's.136 detentions'),
    fig(handover, 'over60Share', 'Place-of-safety handovers over an hour'),
    fig(s136Outcomes, 'assessmentLateShare', 's.136 assessments started late (R37)'),
  ];
  const cs = charts(r);
  const definitions = r.sections
    .map(
      (s) =>
        `<h3>${esc(s.title)}</h3><p>${esc(s.definition)}</p>` +
        (s.groupingNote ? `<p><i>${esc(s.groupingNote)}</i></p>` : '') +
        '<table><tr><th>Figure</th><th>Definition</th></tr>' +
        s.measures.map((m) => `<tr><td>${esc(m.label)}</td><td>${esc(m.definition)}</td></tr>`).join('') +
        '</table>',
    )
    .join('');
  const quality = r.dataQuality
    .map(
      (n) =>
        `<tr><td>${esc(n.text)}</td><td class="n" ` +
        `data-unit="${n.unit ?? ''}">` +
        (n.value === null && !n.suppressed ? '' : fmt(n.value, n.unit ?? 'count', n.suppressed, t)) +
        '</td></tr>',
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${esc(r.title)}: evidence pack ${esc(r.period.from)} to ${esc(r.period.to)}</title>
<style>${CSS}</style></head>
<body>
<h1>${esc(r.title)}</h1>
<p class="sub">Evidence pack for the period ${esc(r.period.from)} to ${esc(r.period.to)}
(force-local dates, ${esc(r.period.timeZone)}). Generated ${esc(r.generatedAt)} for ${esc(generatedBy)}.</p>
<p>${esc(r.population)}</p>
${
  r.suppression.applied
    ? `<p class="note">${esc(r.suppression.rule)}</p>`
    : `<p class="note">Small-number ` +
      `suppression is <b>not</b> applied to this copy (role allowed to see all figures). Do not publish it as is.</p>`
}
<h2>Headline figures</h2>
<div class="head">${head
    .map(([k, v, d, u]) => `<div class="fig" title="${esc(d)}">${esc(k)}<b ` + `data-unit="${u}">${v}</b></div>`)
    .join('')}</div>
<h2>Charts</h2>
${cs
  .map((c) => `<div class="chart" id="${c.id}">${c.svg}<p class="sub">Data: ${c.id}.csv in the ZIP of CSVs.</p></div>`)
  .join('\n')}
<h2>Tables</h2>
${r.sections.map((s) => `<h3>${esc(s.title)}</h3>${table(r, s)}`).join('\n')}
<h2>Data quality</h2>
<table>${quality}</table>
<h2>Definitions</h2>
${definitions}
<p class="sub">The figures are computed from the event log of this system; every figure above has its definition
here and in the CSV files. No personal identifiers are included.</p>
</body></html>`;
}

export function evidencePackZip(r: DemandReport): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const c of charts(r)) files[`${c.id}.csv`] = strToU8(c.csv);
  files['demand-report.csv'] = strToU8(reportCsv(r));
  files['data-quality.csv'] = strToU8(
    stringify(
      r.dataQuality.map((n) => [
        n.id,
        n.suppressed ? `<${r.suppression.threshold}` : n.value === null ? '' : String(n.value),
        n.unit ?? '',
        n.text,
      ]),
      { header: true, columns: ['note', 'value', 'unit', 'text'] },
    ),
  );
  files['definitions.csv'] = strToU8(
    stringify(
      r.sections.flatMap((s) => s.measures.map((m) => [s.id, s.status, m.id, m.label, m.unit, m.definition])),
      { header: true, columns: ['section', 'status', 'measure', 'label', 'unit', 'definition'] },
    ),
  );
  files['README.txt'] = strToU8(
    `${r.title}\nPeriod ${r.period.from} to ${r.period.to} (${r.period.timeZone}); generated ` +
      `${r.generatedAt}.\n\n${r.population}\n\n` +
      (r.suppression.applied ? r.suppression.rule : 'Small-number suppression NOT applied: do not publish as is.') +
      '\n\nFiles: one CSV per chart in the evidence pack, demand-report.csv ' +
      `(every figure, columns ${CSV_COLUMNS.join(', ')}), data-quality.csv, definitions.csv.\n`,
  );
  return zipSync(files, { level: 6, mtime: new Date(r.generatedAt) });
}
