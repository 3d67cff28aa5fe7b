/**
 * The demand report is a list of sections. Each section is its own query module: its definition,
 * the SQL it runs, and the measures it reports, each with a definition a reader can check.
 */
import type { Db } from '../../db/client.js';
import type { ForceConfig } from '../config/schema.js';

export const GROUP_BYS = ['month', 'district', 'category', 'agency'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface ReportParams {
  /** First and last local calendar day of the period (inclusive), YYYY-MM-DD. */
  from: string;
  to: string;
  groupBy: GroupBy;
}

export type Unit = 'count' | 'hours' | 'share' | 'minutes';

/** Sums a section's query returned for one group (or for the whole period). */
export type Sums = Record<string, number>;

export interface Measure {
  id: string;
  label: string;
  unit: Unit;
  definition: string;
  /** The value from the group's sums; null when it cannot be computed (e.g. a share of nothing). */
  value(s: Sums): number | null;
  /**
   * For a derived figure (hours, share, mean): the number of incidents/people/referrals it rests
   * on. R44: suppressed when that is below the threshold. Counts are their own base.
   */
  base?(s: Sums): number;
}

/** Cells that add up to a total in the same row: suppressing one alone would reveal it (R44). */
export interface Partition {
  parts: string[];
  total: string;
}

export interface SectionContext {
  db: Db;
  config: ForceConfig;
  /**
   * Scans of a rollup already made for this report run. Sections ask for the columns they need;
   * one scan fetches every measure of the table, so four sections over demand_rollup cost one scan.
   */
  scans?: Map<string, SectionResult>;
}

export interface SectionResult {
  /** Sums per group, in display order. */
  groups: Array<{ group: string; sums: Sums }>;
  /** Sums over the whole period. */
  total: Sums;
  notes?: string[];
}

export interface AvailableSection {
  id: string;
  title: string;
  status: 'available';
  definition: string;
  /** Groupings this section can honour; otherwise it is shown for the whole period only. */
  groupings: readonly GroupBy[];
  measures: Measure[];
  partitions: Partition[];
  /** For groupBy=agency: what 'agency' means in this section. */
  agencyMeaning?: string;
  query(ctx: SectionContext, p: ReportParams, groupBy: GroupBy | null): SectionResult;
}

export type Section = AvailableSection;

// Output ---------------------------------------------------------------------------------------

export interface OutputRow {
  group: string;
  cells: Record<string, number | null>;
  /** Measures withheld in this row (R44 small-number suppression). */
  suppressed: string[];
}

export interface OutputSection {
  id: string;
  title: string;
  status: 'available';
  definition: string;
  groupBy: GroupBy | null;
  groupingNote: string | null;
  measures: Array<Pick<Measure, 'id' | 'label' | 'unit' | 'definition'>>;
  rows: OutputRow[];
  total: OutputRow;
  notes: string[];
}

export interface DataQualityNote {
  id: string;
  text: string;
  value: number | null;
  unit: Unit | null;
  suppressed: boolean;
}

export interface DemandReport {
  title: string;
  force: string;
  period: { from: string; to: string; timeZone: string };
  groupBy: GroupBy;
  generatedAt: string;
  population: string;
  suppression: { applied: boolean; threshold: number; rule: string };
  sections: OutputSection[];
  dataQuality: DataQualityNote[];
  /** Display names of the codes groups may carry (agencies, categories), from the configuration. */
  labels: Record<string, string>;
}
