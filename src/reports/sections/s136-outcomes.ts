/**
 * s.136 detentions from the clock to the end: how long people waited for the Mental Health Act
 * assessment (R37), extensions (s.136B), transfers, detentions that ran out of time (R23), how long
 * people were detained and what the outcome was (docs/reports.md).
 */
import { OUTCOMES } from '../../../machines/detention/index.js';
import {
  byGroup,
  detentionRows,
  median,
  minutesBetween,
  oneDecimal,
  type DetentionGrouping,
  type DetentionRow,
} from '../detention-rows.js';
import { share } from '../sql.js';
import { OUTCOME_LABEL } from '../../domain/detention-labels.js';
import type { AvailableSection, Measure, Sums } from '../types.js';

const outcomeId = (o: string) => `outcome_${o}`;

function sums(rows: DetentionRow[], lateAfterMinutes: number): Sums {
  const s: Sums = {
    detentions: 0,
    running: 0,
    assessed: 0,
    assessmentLate: 0,
    extended: 0,
    transferred: 0,
    ranOut: 0,
    ended: 0,
    detainedMinutes: 0,
  };
  for (const o of OUTCOMES) s[outcomeId(o)] = 0;
  const toAssessment: number[] = [];
  const detained: number[] = [];
  for (const r of rows) {
    if (r.power !== 's136' || !r.detainedAt) continue;
    s.detentions!++;
    if (r.extensionMinutes > 0) s.extended!++;
    if (r.transfers > 0) s.transferred!++;
    if (r.lapsedAt) s.ranOut!++;
    if (r.assessmentStartedAt) {
      s.assessed!++;
      // The clock starts on arrival at the place of safety (R21); an assessment cannot start before it.
      if (r.clockStart) {
        const wait = minutesBetween(r.clockStart, r.assessmentStartedAt);
        toAssessment.push(wait);
        if (wait > lateAfterMinutes) s.assessmentLate!++;
      }
    }
    if (r.outcome && r.endedAt) {
      s.ended!++;
      s[outcomeId(r.outcome)]!++;
      const m = minutesBetween(r.detainedAt, r.endedAt);
      detained.push(m);
      s.detainedMinutes! += m;
    } else s.running!++;
  }
  s.timedAssessments = toAssessment.length;
  const ma = median(toAssessment);
  const md = median(detained);
  if (ma !== null) s.medianMinutesToAssessment = ma;
  if (md !== null) s.medianHoursDetained = md / 60;
  return s;
}

const count = (id: string, label: string, definition: string): Measure => ({
  id,
  label,
  unit: 'count',
  definition,
  value: (s) => s[id] ?? 0,
});

export const s136Outcomes: AvailableSection = {
  id: 's136Outcomes',
  title: 's.136 detentions: assessment, extensions and outcomes',
  status: 'available',
  definition:
    "Detentions under MHA s.136 (a decision to detain recorded) on incidents received in the period (the incident's " +
    'local date), from the start of the 24-hour clock on arrival at a place of safety (R21) to the outcome: the ' +
    'wait for the Mental Health Act assessment (flagged when it starts more than the configured ' +
    'number of hours, 3 by default, after the clock started, R37), extensions of the permitted period (s.136B), ' +
    'transfers between places of safety, detentions whose permitted period ran out before an outcome (R23), ' +
    'how long people were detained (detention to outcome), and the outcome.',
  groupings: ['month', 'district', 'category'],
  measures: [
    count('detentions', 's.136 detentions', 'Detentions under s.136 (a decision to detain recorded).'),
    count('assessed', 'Assessment started', 'Detentions with the start of the Mental Health Act assessment recorded.'),
    {
      id: 'medianMinutesToAssessment',
      label: 'Median wait for the assessment (minutes)',
      unit: 'minutes',
      definition:
        'Median of assessment start − clock start (arrival at the first place of safety), over detentions with both ' +
        'recorded.',
      value: (s) => oneDecimal(s.medianMinutesToAssessment ?? null),
      base: (s) => s.timedAssessments!,
    },
    count(
      'assessmentLate',
      'Assessment started late',
      'Detentions whose assessment started more than the configured number of hours (3 by default, the ' +
        'national guideline) after the clock started (R37).',
    ),
    {
      id: 'assessmentLateShare',
      label: 'Share of assessments started late',
      unit: 'share',
      definition: 'Assessment started late ÷ detentions with both the clock start and the assessment start recorded.',
      value: (s) => share(s.assessmentLate!, s.timedAssessments!),
      base: (s) => s.timedAssessments!,
    },
    count(
      'extended',
      'Extended (s.136B)',
      'Detentions whose permitted period was extended by a registered medical practitioner (s.136B), by any number ' +
        'of hours.',
    ),
    count(
      'transferred',
      'Transferred',
      'Detentions where the person was moved from the first place of safety to another (s.136(3)).',
    ),
    count(
      'ranOut',
      'Permitted period ran out',
      'Detentions where the 24 hours (plus any extension) passed with no outcome recorded (R23): the legal authority ' +
        'to detain had ended.',
    ),
    count('ended', 'Ended (outcome recorded)', 'Detentions with an outcome recorded.'),
    count('running', 'Still running', 'Detentions with no outcome recorded yet.'),
    {
      id: 'medianHoursDetained',
      label: 'Median time detained (hours)',
      unit: 'hours',
      definition: 'Median of outcome time − time of detention, over detentions with an outcome.',
      value: (s) => oneDecimal(s.medianHoursDetained ?? null),
      base: (s) => s.ended!,
    },
    {
      id: 'meanHoursDetained',
      label: 'Mean time detained (hours)',
      unit: 'hours',
      definition: 'Mean of outcome time − time of detention, over detentions with an outcome.',
      value: (s) => (s.ended ? oneDecimal(s.detainedMinutes! / 60 / s.ended) : null),
      base: (s) => s.ended!,
    },
    ...OUTCOMES.map((o) =>
      count(
        outcomeId(o),
        `Outcome: ${OUTCOME_LABEL[o]}`,
        `Detentions whose recorded outcome was: ${OUTCOME_LABEL[o]}.`,
      ),
    ),
  ],
  partitions: [
    { parts: [...OUTCOMES.map(outcomeId), 'running'], total: 'detentions' },
    { parts: ['ended', 'running'], total: 'detentions' },
  ],
  query(ctx, p, groupBy) {
    const late = ctx.config.s136.assessmentStartFlagHours * 60;
    const { groups, all } = byGroup(detentionRows(ctx, p, groupBy as DetentionGrouping | null));
    return { groups: groups.map((g) => ({ group: g.group, sums: sums(g.rows, late) })), total: sums(all, late) };
  },
};
