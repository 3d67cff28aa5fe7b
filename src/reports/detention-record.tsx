/**
 * A detention's record as it is handed to the IOPC or a coroner (R45, issue 14): everything the MH
 * lead's review shows — the legal timeline step by step with each rule's result, who recorded each
 * fact and when against when it happened, the clock, the handover, ADR completeness, the
 * authorisations (R45) and the MH lead's findings — with who exported it, when and why. As JSON,
 * and as one self-contained printable page (A4, the protective marking at top and bottom, no
 * script, its own style, so a saved copy reads the same away from this server).
 */
import { ageBandFor } from '../../machines/subject.js';
import type { ForceConfig } from '../config/schema.js';
import { CONVEYANCE_LABEL, labelOf, OUTCOME_LABEL, PLACE_TYPE_LABEL } from '../domain/detention-labels.js';
import { cssString } from './pack-html.js';
import {
  basisText,
  type DetentionReview,
  PHASE_LABEL,
  REVIEW_PHASES,
  type RuleCheck,
} from '../queries/detention-review.js';
import { AGE_BAND, ETHNICITY, GENDER, POWER } from './adr-return.js';

export interface RecordMeta {
  exportedAt: string;
  exportedBy: { id: string; name: string; role: string };
  /** The reason code, and how people read it ("Court or coroner"). */
  purpose: string;
  purposeLabel: string;
  justification: string | null;
}

export function detentionRecord(review: DetentionReview, config: ForceConfig, meta: RecordMeta) {
  return { ...review, force: { name: config.force.name, code: config.force.code }, ...meta };
}
export type DetentionRecord = ReturnType<typeof detentionRecord>;

/** "23 Nov 2026, 21:00:05 GMT": a moment in the force's own time, with its zone, to the second. */
export function localTime(iso: string | null, timeZone: string): string {
  if (!iso) return 'not recorded';
  return new Date(iso).toLocaleString('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
}

const STATUS_TEXT: Record<string, string> = {
  considering: 'being considered',
  notDetained: 'not detained (s.136 not used)',
  running: 'running',
  lapsed: 'lapsed (the permitted period ended with no outcome)',
  ended: 'ended (outcome recorded; record not yet closed)',
  closed: 'closed',
};
const AUDIT_KIND: Record<string, string> = {
  detention: 'Detention',
  policeStationUse: 'Police station used as a place of safety',
  extension: 'Extension of the permitted period',
  policeRelease: 'Release by police',
  adrAmendment: 'ADR record amended',
};
const word = (map: Record<string, string>, code: string | null) => (code ? (map[code] ?? code) : 'not recorded');

export const RESULT_TEXT: Record<RuleCheck['result'], string> = {
  passed: 'Passed',
  flagged: 'Flagged',
  notRecorded: 'Not recorded',
};
const RESULT_ICON: Record<RuleCheck['result'], string> = { passed: '✔', flagged: '▲', notRecorded: '?' };

function style(marking: string, running: string): string {
  return `body{font:10.5pt/1.4 Arial,Helvetica,sans-serif;color:#111;margin:0 auto;max-width:60rem;padding:1rem}
.marking{text-align:center;font-weight:700;letter-spacing:.05em;border:2px solid #111;padding:.15rem}
h1{font-size:1.45rem;margin:.8rem 0 .3rem}h2{font-size:1.15rem;margin:1.2rem 0 .4rem;break-after:avoid}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid #888;padding:.25rem .4rem;vertical-align:top;text-align:left}thead th{background:#eee}
tbody th{font-weight:600}tr{break-inside:avoid}dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem}
dt{font-weight:600}dd{margin:0}ul{margin:0;padding-left:1.1rem}tbody th ul{font-weight:normal}
.r-passed{color:#0b5d1e}.r-flagged{color:#8a1f11;font-weight:700}.r-notRecorded{color:#6b4e00;font-weight:600}
@page{size:A4;margin:18mm 14mm 17mm;
@top-center{content:${cssString(marking)};font:bold 9pt Arial,Helvetica,sans-serif}
@bottom-center{content:${cssString(marking)};font:bold 9pt Arial,Helvetica,sans-serif}
@bottom-left{content:${cssString(running)};font:8pt Arial,Helvetica,sans-serif;color:#444}
@bottom-right{content:"Page " counter(page) " of " counter(pages);font:9pt Arial,Helvetica,sans-serif}}
@media print{body{max-width:none;padding:0;font-size:9.5pt}.marking{display:none}}`;
}

function Result({ result }: { result: RuleCheck['result'] }) {
  return (
    <span class={`r-${result}`}>
      <span aria-hidden="true">{RESULT_ICON[result]} </span>
      {RESULT_TEXT[result]}
    </span>
  );
}

function RecordPage({ r, config }: { r: DetentionRecord; config: ForceConfig }) {
  const timeZone = config.force.timezone;
  const marking = config.reporting.protectiveMarking;
  const d = r.detention;
  const ageBand = d.person.ageBand ?? (d.person.ageYears === null ? null : ageBandFor(d.person.ageYears));
  const place = (p: { type: string; site: string | null } | null) =>
    !p
      ? 'none'
      : p.site
        ? (config.s136.placesOfSafety.find((x) => x.code === p.site)?.label ?? p.site)
        : labelOf(PLACE_TYPE_LABEL, p.type);
  const t = (iso: string | null) => localTime(iso, timeZone);
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <title>{`Detention record ${d.id} — ${r.force.name}`}</title>
        <style dangerouslySetInnerHTML={{ __html: style(marking, `Detention ${d.id}`).replace(/</g, '\\3C ') }} />
      </head>
      <body>
        <header class="marking">{marking}</header>
        <main>
          <h1>Record of a Mental Health Act detention</h1>
          <p class="meta">
            {r.force.name} · detention {d.id} · incident {d.incidentReference ?? d.incidentId}. Exported{' '}
            {t(r.exportedAt)} by {r.exportedBy.name} ({r.exportedBy.role}) for: {r.purposeLabel}
            {r.justification ? ` — ${r.justification}` : ''}. Times are {timeZone} local time.
          </p>
          <h2>Summary</h2>
          <dl>
            <dt>Power</dt>
            <dd>{word(POWER, d.power)}</dd>
            <dt>Status</dt>
            <dd>{word(STATUS_TEXT, d.status)}</dd>
            <dt>Detained</dt>
            <dd>{t(d.detainedAt)}</dd>
            <dt>Clock started</dt>
            <dd>
              {t(d.clockStart)}
              {d.clockBasis ? `, on ${basisText(d.clockBasis)}` : ''}
            </dd>
            <dt>Permitted period ends</dt>
            <dd>
              {t(d.expiresAt)}
              {d.extensionHours ? ` (including ${d.extensionHours} h of extension)` : ''}
            </dd>
            <dt>First place of safety</dt>
            <dd>{place(d.firstPlaceOfSafety)}</dd>
            <dt>Conveyance</dt>
            <dd>{labelOf(CONVEYANCE_LABEL, d.conveyanceMethod)}</dd>
            <dt>Outcome</dt>
            <dd>
              {d.outcome ? labelOf(OUTCOME_LABEL, d.outcome) : 'not recorded'} {d.endedAt ? `at ${t(d.endedAt)}` : ''}
            </dd>
            <dt>ADR record</dt>
            <dd>{d.adr.complete ? 'complete' : `incomplete: ${d.adr.missing.join(', ')}`}</dd>
            <dt>Person (as the ADR counts them)</dt>
            <dd>
              {`age ${word(AGE_BAND, ageBand)}; gender ${word(GENDER, d.person.gender)}; `}
              {`ethnicity ${word(ETHNICITY, d.person.ethnicity)}`}
            </dd>
          </dl>
          <table>
            <caption>Rules checked, and the result</caption>
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">What it requires</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {r.rules.map((x) => (
                <tr>
                  <th scope="row">{x.rule}</th>
                  <td>{x.title}</td>
                  <td>
                    <Result result={x.result} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {REVIEW_PHASES.filter((p) => r.steps.some((s) => s.phase === p)).map((phase) => (
            <section>
              <h2>{PHASE_LABEL[phase]}</h2>
              <table>
                <caption>
                  {PHASE_LABEL[phase]}: each step, who recorded it, and the rules it was checked against
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Happened</th>
                    <th scope="col">Recorded</th>
                    <th scope="col">Rule checks</th>
                  </tr>
                </thead>
                <tbody>
                  {r.steps
                    .filter((s) => s.phase === phase)
                    .map((s) => (
                      <tr>
                        <th scope="row">
                          {s.label}
                          {s.facts.length > 0 && (
                            <ul>
                              {s.facts.map((f) => (
                                <li>{f}</li>
                              ))}
                            </ul>
                          )}
                        </th>
                        <td>{t(s.occurredAt)}</td>
                        <td>
                          {s.recordedBy ? `${s.recordedBy.name} (${s.recordedBy.role}), ${t(s.recordedAt)}` : '—'}
                          {s.recordedAfterMinutes ? ` — ${s.recordedAfterMinutes} min after it happened` : ''}
                        </td>
                        <td>
                          {s.checks.length === 0 ? (
                            '—'
                          ) : (
                            <ul>
                              {s.checks.map((c) => (
                                <li>
                                  {c.rule} {c.title}: <Result result={c.result} /> — {c.detail}
                                </li>
                              ))}
                            </ul>
                          )}
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </section>
          ))}
          <h2>Authorisations and overrides (R45)</h2>
          {d.audit.length === 0 ? (
            <p>None recorded (no police station, extension, release by police or ADR amendment).</p>
          ) : (
            <table>
              <caption>Authorisations, police-station use, extensions and releases, as recorded</caption>
              <thead>
                <tr>
                  <th scope="col">What</th>
                  <th scope="col">People</th>
                  <th scope="col">Happened</th>
                  <th scope="col">Recorded by</th>
                </tr>
              </thead>
              <tbody>
                {d.audit.map((a) => (
                  <tr>
                    <th scope="row">{word(AUDIT_KIND, a.kind)}</th>
                    <td>{a.people.map((p) => `${p.capacity}: ${p.name}${p.rank ? ` (${p.rank})` : ''}`).join('; ')}</td>
                    <td>{t(a.occurredAt)}</td>
                    <td>
                      {a.recordedBy.name} ({a.recordedBy.role}), {t(a.recordedAt)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>The mental-health lead's findings</h2>
          {r.findings.length === 0 ? (
            <p>Not reviewed.</p>
          ) : (
            <table>
              <caption>Findings, newest first (the first is the current one)</caption>
              <thead>
                <tr>
                  <th scope="col">Recorded</th>
                  <th scope="col">Conclusion</th>
                  <th scope="col">Learning points and note</th>
                </tr>
              </thead>
              <tbody>
                {r.findings.map((f) => (
                  <tr>
                    <th scope="row">
                      {t(f.recordedAt)}, {f.reviewedBy.name}
                    </th>
                    <td>
                      {f.conclusion === 'lawfulAndTimely' ? 'Lawful and timely' : 'Concerns'}
                      {f.concernRules.length > 0 ? ` (${f.concernRules.join(', ')})` : ''}
                    </td>
                    <td>
                      {f.learningPoints.length > 0 && (
                        <ul>
                          {f.learningPoints.map((p) => (
                            <li>{p}</li>
                          ))}
                        </ul>
                      )}
                      {f.note}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </main>
        <footer class="marking">{marking}</footer>
      </body>
    </html>
  );
}

/** The printable page, one self-contained HTML document. */
export function detentionRecordHtml(r: DetentionRecord, config: ForceConfig): string {
  const page = <RecordPage r={r} config={config} />;
  return `<!doctype html>${String(page)}`;
}
