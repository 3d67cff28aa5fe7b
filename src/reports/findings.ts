/**
 * Key findings: plain sentences written from the figures of the pack, for a PCC to lift into a
 * paper. A withheld figure (R44) never reaches the prose: a sentence resting on one is left out,
 * a clause resting on one is dropped.
 */
import { type Change, cellOf, type Headline, type NationalS136, section } from './comparison.js';
import { type Cell, formatCell } from './format.js';
import type { DemandReport, Unit } from './types.js';

export interface FindingsInput {
  report: DemandReport;
  headlines: Headline[];
  /** How the previous period is named in a sentence ("2024/25", "the previous period"). */
  previousName: string;
  /** Whether the previous period holds any incident at all (else no change is stated). */
  previousHasData: boolean;
  national: NationalS136 | null;
}

const shown = (c: Cell | null | undefined): c is Cell & { value: number } => !!c && !c.suppressed && c.value !== null;

/** A relative change as printed: whole per cent, or one decimal below 1% (so +0.3% never reads "unchanged"). */
export const percent = (v: number) => (Math.abs(v) < 1 ? Math.abs(v).toFixed(1) : String(Math.round(Math.abs(v))));

export function changeText(c: Change, previousName: string): string | null {
  if (c.suppressed || c.value === null) return null;
  const v = c.value;
  const size = c.kind === 'points' ? `${Math.abs(v).toFixed(1)} percentage points` : `${percent(v)}%`;
  if (v === 0) return `unchanged on ${previousName}`;
  return `${v > 0 ? 'up' : 'down'} ${size} on ${previousName}`;
}

export function keyFindings(o: FindingsInput): string[] {
  const h = (id: string) => o.headlines.find((x) => x.id === id)!;
  // In a sentence, hours read as whole hours ("4,248"); tables keep the tenth.
  const f = (c: Cell, unit: Unit | 'rate') =>
    unit === 'hours' && c.value !== null && !c.suppressed
      ? Math.round(c.value).toLocaleString('en-GB')
      : formatCell(c, unit);
  const ch = (x: Headline) => (o.previousHasData ? changeText(x.change, o.previousName) : null);
  const out: string[] = [];

  const mh = h('mhRelated');
  if (shown(mh.current)) {
    const share = h('shareOfAllIncidents');
    out.push(
      `MH-related incidents: ${f(mh.current, 'count')}` +
        (ch(mh) ? `, ${ch(mh)}` : '') +
        (shown(mh.rate) ? ` (${f(mh.rate, 'rate')} per 100,000 people)` : '') +
        (shown(share.current)
          ? `; ${f(share.current, 'share')} of all incidents recorded in command and control`
          : '') +
        '.',
    );
  }

  const hours = h('officerHours');
  if (shown(hours.current))
    out.push(
      `Officer-hours on MH-related incidents: ${f(hours.current, 'hours')}${ch(hours) ? `, ${ch(hours)}` : ''}.`,
    );

  const waiting = h('waitingHours');
  const pos = cellOf(section(o.report, 'officerHours').total, 'hoursWaitingHbpos');
  const ed = cellOf(section(o.report, 'officerHours').total, 'hoursWaitingEd');
  if (shown(waiting.current)) {
    const split = shown(pos) && shown(ed) ? ` (${f(pos, 'hours')} at places of safety, ${f(ed, 'hours')} at A&E)` : '';
    out.push(
      `Officer-hours waiting at A&E or a place of safety: ${f(waiting.current, 'hours')}${split}` +
        (ch(waiting) ? `, ${ch(waiting)}` : '') +
        '.',
    );
  }

  const nd = h('notDeployedShare');
  if (shown(nd.current))
    out.push(
      `Right Care Right Person: ${f(nd.current, 'share')} of decisions were not to deploy police (handed over to a ` +
        `partner or advice only)${ch(nd) ? `, ${ch(nd)}` : ''}.`,
    );

  const refs = h('referrals');
  const accepted = cellOf(section(o.report, 'referrals').total, 'acceptedShare');
  const answer = h('medianAnswerMinutes');
  if (shown(refs.current)) {
    const slowest = section(o.report, 'referrals')
      .rows.map((r) => ({ agency: o.report.labels[r.group] ?? r.group, c: cellOf(r, 'medianAnswerMinutes') }))
      .filter((x) => shown(x.c))
      .sort((a, b) => (b.c.value as number) - (a.c.value as number));
    out.push(
      `Referrals to partner agencies: ${f(refs.current, 'count')}` +
        (ch(refs) ? `, ${ch(refs)}` : '') +
        (shown(accepted) ? `; ${f(accepted, 'share')} accepted` : '') +
        (shown(answer.current) ? `; half were answered within ${f(answer.current, 'minutes')}` : '') +
        (slowest.length > 1
          ? `; slowest to answer: ${slowest[0]!.agency} (median ${f(slowest[0]!.c, 'minutes')})`
          : '') +
        '.',
    );
  }

  const s136 = h('s136Detentions');
  if (shown(s136.current)) {
    const national =
      o.national && shown(s136.rate)
        ? ` England and Wales: ${o.national.rate.toFixed(1)} per 100,000 in ${o.national.year}` +
          `${o.national.sameYear ? '' : ' (the latest published year)'}.`
        : '';
    out.push(
      `s.136 detentions: ${f(s136.current, 'count')}${ch(s136) ? `, ${ch(s136)}` : ''}` +
        `${shown(s136.rate) ? ` (${f(s136.rate, 'rate')} per 100,000 people)` : ''}.${national}`,
    );
  }

  const handover = h('medianHandoverMinutes');
  const over = h('over60Share');
  if (shown(handover.current))
    out.push(
      `At places of safety, half of police handovers took longer than ${f(handover.current, 'minutes')}` +
        (shown(over.current) ? `; ${f(over.current, 'share')} exceeded the one-hour expectation` : '') +
        '.',
    );

  const rep = section(o.report, 'repeatDemand').total;
  const people = cellOf(rep, 'highIntensityPeople');
  const theirShare = cellOf(rep, 'highIntensityShare');
  if (shown(people) && shown(theirShare))
    out.push(
      `${f(people, 'count')} people met the high-intensity threshold; their incidents were ` +
        `${f(theirShare, 'share')} of MH-related incidents about an identified person.`,
    );

  if (!o.previousHasData)
    out.push(`No incidents are recorded in this system for ${o.previousName}, so no change on it is given.`);
  return out;
}
