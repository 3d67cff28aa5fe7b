/**
 * `npm run demo`: a reproducible year of demand for a Kent-sized force, through the real command
 * path, plus the monthly all-incident totals; then a calibration table against the published
 * figures it was built from.
 */
import type { CommandDeps } from '../commands/deps.js';
import { groupCommitUnitOfWork } from '../commands/unit-of-work.js';
import { buildIncidentInputs } from '../domain/incident-inputs.js';
import { localDay } from '../domain/demand-ledger.js';
import { runDemandReport } from '../reports/demand-report.js';
import { recordVolumes } from '../reports/volumes.js';
import type { DemandReport } from '../reports/types.js';
import { localMidnight } from '../reports/adr-return.js';
import type { Db } from '../../db/client.js';
import { applyPlan, SteppingClock } from './apply.js';
import { CALIBRATION, planVolumes, planYear, type IncidentPlan, type PlanOptions } from './plan.js';

export const DEMO_DEFAULTS: PlanOptions = { seed: 42, start: '2025-04-01', days: 365, scale: 1 };

export interface DemoResult {
  plans: IncidentPlan[];
  seconds: number;
  commands: number;
  period: { from: string; to: string };
}

/** Plan and apply; `deps.clock` is replaced by a stepping clock for the duration. */
export async function runDemo(
  base: Omit<CommandDeps, 'clock' | 'uow'>,
  o: PlanOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<DemoResult> {
  const started = performance.now();
  const clock = new SteppingClock();
  const uow = groupCommitUnitOfWork(base.db.$client);
  const deps: CommandDeps = { ...base, clock, uow };
  const plans = planYear(base.config, o);
  const inputs = buildIncidentInputs(base.config);
  const before = base.db.$client.prepare('SELECT count(*) FROM incident_events').pluck();
  const events0 = before.get() as number;
  for (let i = 0; i < plans.length; i++) {
    applyPlan(deps, clock, plans[i]!, inputs);
    if (i % 400 === 399 || i === plans.length - 1) {
      await uow.durable();
      onProgress?.(i + 1, plans.length);
    }
  }
  const last = new Date(Date.parse(`${o.start}T00:00:00Z`) + (o.days - 1) * 86_400_000).toISOString().slice(0, 10);
  clock.set(`${last}T23:00:00Z`);
  await recordVolumes(
    deps,
    planVolumes(o),
    `demo (seed ${o.seed}): ${CALIBRATION.allCallsPerYear} calls a year, Kent OPCC 2023`,
    'demo',
  );
  const commands = (before.get() as number) - events0;
  return { plans, seconds: (performance.now() - started) / 1000, commands, period: { from: o.start, to: last } };
}

export interface CalibrationLine {
  figure: string;
  published: number | null;
  generated: number | null;
  tolerance: string;
  within: boolean | null;
  source: string;
}

/** The s.136 detentions the demo recorded in the period, read back from the `detentions` projection. */
export interface DetentionFigures {
  detentions: number;
  /** Detentions by the type of their first place of safety. */
  firstPlace: Record<string, number>;
  /** Detentions by conveyance method. */
  conveyance: Record<string, number>;
}

/** s.136 detentions decided on a local day of the period (from/to are local dates, inclusive). */
export function detentionFigures(db: Db, timeZone: string, period: { from: string; to: string }): DetentionFigures {
  const next = new Date(Date.parse(`${period.to}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const rows = db.$client
    .prepare(
      `SELECT first_pos_type AS pos, conveyance_method AS conv FROM detentions
       WHERE power = 's136' AND detained_at IS NOT NULL AND detained_at >= ? AND detained_at < ?`,
    )
    .all(localMidnight(period.from, timeZone), localMidnight(next, timeZone)) as Array<{
    pos: string | null;
    conv: string | null;
  }>;
  const tally = (xs: Array<string | null>) => {
    const counts: Record<string, number> = {};
    for (const x of xs) counts[x ?? 'none'] = (counts[x ?? 'none'] ?? 0) + 1;
    return counts;
  };
  return {
    detentions: rows.length,
    firstPlace: tally(rows.map((r) => r.pos)),
    conveyance: tally(rows.map((r) => r.conv)),
  };
}

/**
 * Tolerance for a s.136 share: ±3 percentage points, or one detention in the expected number when
 * that is more (a scaled-down year of 25 detentions cannot be closer than 4 pp).
 */
export const s136ShareTolerance = (expectedDetentions: number) =>
  Math.max(0.03, expectedDetentions > 0 ? 1 / expectedDetentions : 1);

/** The generated year's report (and its s.136 detentions) against the published figures it is calibrated to. */
export function calibration(
  report: DemandReport,
  o: PlanOptions,
  s136: DetentionFigures | null = null,
): CalibrationLine[] {
  const yearFactor = o.scale * (o.days / 365);
  const total = (section: string, id: string) =>
    report.sections.find((s) => s.id === section)?.total?.cells[id] ?? null;
  const mh = total('mhIncidents', 'mhRelated');
  const share = total('mhIncidents', 'shareOfAllIncidents');
  const deploy = total('rcrp', 'deploymentRate');
  const rel = (g: number | null, p: number, tol: number) => (g === null ? null : Math.abs(g - p) <= tol * p);
  const abs = (g: number | null, p: number, tol: number) => (g === null ? null : Math.abs(g - p) <= tol);
  const expected = CALIBRATION.s136PerYear * yearFactor;
  const tol = s136ShareTolerance(expected);
  const n = s136?.detentions ?? 0;
  const shareOf = (counts: Record<string, number> | undefined, key: string) =>
    s136 && n > 0 ? Math.round(((counts?.[key] ?? 0) / n) * 1000) / 1000 : null;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const shareLine = (figure: string, published: number, generated: number | null, source: string): CalibrationLine => ({
    figure,
    published: r3(published),
    generated,
    tolerance: `±${Math.round(tol * 100)} pp`,
    within: abs(generated, published, tol + 0.0005),
    source,
  });
  const pos = CALIBRATION.s136FirstPlace;
  const conv = CALIBRATION.s136Conveyance;
  return [
    {
      figure: 'MH-related incidents in the year',
      published: Math.round(CALIBRATION.mhRelatedPerYear * yearFactor),
      generated: mh,
      tolerance: '±3%',
      within: rel(mh, CALIBRATION.mhRelatedPerYear * yearFactor, 0.03),
      source: 'Kent OPCC 2023: 36,417 MH-related calls in 2022',
    },
    {
      figure: 'Share of all incidents',
      published: Math.round((CALIBRATION.mhRelatedPerYear / CALIBRATION.allCallsPerYear) * 1000) / 1000,
      generated: share,
      tolerance: '±0.5 pp',
      within: abs(share, CALIBRATION.mhRelatedPerYear / CALIBRATION.allCallsPerYear, 0.005),
      source: 'Kent OPCC 2023: just over 7% of 504,645 calls',
    },
    {
      figure: 'RCRP deployment rate (deploy + joint)',
      published: CALIBRATION.rcrpDeploymentRate,
      generated: deploy,
      tolerance: '±3 pp',
      within: abs(deploy, CALIBRATION.rcrpDeploymentRate, 0.03),
      source: 'Met Police RCRP 6-month update, May 2024: 41% → 29%',
    },
    {
      figure: 's.136 detentions in the year',
      published: Math.round(expected),
      generated: s136 ? n : null,
      tolerance: '±10%',
      within: rel(s136 ? n : null, expected, 0.1),
      source: 'Kent PCC Annual Report 2022/23: 835',
    },
    shareLine(
      's.136 first place of safety: health-based (share)',
      pos.healthBasedPlaceOfSafety,
      shareOf(s136?.firstPlace, 'healthBasedPlaceOfSafety'),
      'Home Office 2021/22 (as reported): 68%',
    ),
    shareLine(
      's.136 first place of safety: A&E (share)',
      pos.emergencyDepartment,
      shareOf(s136?.firstPlace, 'emergencyDepartment'),
      'Home Office 2021/22 (as reported): 29%',
    ),
    shareLine(
      's.136 first place of safety: police station (share)',
      pos.policeStation,
      shareOf(s136?.firstPlace, 'policeStation'),
      'Home Office 2021/22 (as reported): 264 of 36,594',
    ),
    shareLine(
      's.136 conveyance: police vehicle (share)',
      conv.policeVehicle,
      shareOf(s136?.conveyance, 'policeVehicle'),
      'Home Office 2023/24 (as reported): 51%',
    ),
    shareLine(
      's.136 conveyance: ambulance (share)',
      conv.ambulance,
      shareOf(s136?.conveyance, 'ambulance'),
      'Home Office 2023/24 (as reported): 35%',
    ),
  ];
}

export function demoReport(
  deps: Pick<CommandDeps, 'db' | 'config'>,
  period: { from: string; to: string },
  now: Date,
): DemandReport {
  return runDemandReport({
    db: deps.db,
    config: deps.config,
    params: { ...period, groupBy: 'month' },
    suppress: false,
    now,
  });
}

export { localDay };
