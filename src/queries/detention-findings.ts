/**
 * The MH lead's findings on detentions, as read back: every finding on one detention (newest
 * first — the first is the current view, the rest the history), and the latest finding per
 * detention for a page of the list. The table is append-only (db/schema.ts `detentionReviews`).
 */
import type { Db } from '../../db/client.js';
import { prepared } from '../reports/sql.js';

export const CONCLUSIONS = ['lawfulAndTimely', 'concerns'] as const;
export type Conclusion = (typeof CONCLUSIONS)[number];

export interface Finding {
  id: number;
  detentionId: string;
  conclusion: Conclusion;
  concernRules: string[];
  learningPoints: string[];
  note: string;
  reviewedBy: { id: string; name: string; role: string };
  recordedAt: string;
}

interface FindingRow {
  id: number;
  detentionId: string;
  conclusion: Conclusion;
  concernRules: string;
  learningPoints: string;
  note: string;
  reviewerId: string;
  reviewerName: string;
  reviewerRole: string;
  recordedAt: string;
}

const SELECT = `SELECT r.id, r.detention_id AS detentionId, r.conclusion, r.concern_rules AS concernRules,
  r.learning_points AS learningPoints, r.note, r.reviewer_id AS reviewerId,
  COALESCE(u.name, r.reviewer_id) AS reviewerName, r.reviewer_role AS reviewerRole, r.recorded_at AS recordedAt
  FROM detention_reviews r LEFT JOIN users u ON u.id = r.reviewer_id`;

const finding = (r: FindingRow): Finding => ({
  id: r.id,
  detentionId: r.detentionId,
  conclusion: r.conclusion,
  concernRules: JSON.parse(r.concernRules) as string[],
  learningPoints: JSON.parse(r.learningPoints) as string[],
  note: r.note,
  reviewedBy: { id: r.reviewerId, name: r.reviewerName, role: r.reviewerRole },
  recordedAt: r.recordedAt,
});

/** Every finding on the detention, newest first. */
export function detentionFindings(db: Db, detentionId: string): Finding[] {
  return (prepared(db, `${SELECT} WHERE r.detention_id = ? ORDER BY r.id DESC`).all(detentionId) as FindingRow[]).map(
    finding,
  );
}

export function findingById(db: Db, id: number): Finding | null {
  const row = prepared(db, `${SELECT} WHERE r.id = ?`).get(id) as FindingRow | undefined;
  return row ? finding(row) : null;
}

/** The current (latest) finding of each of `detentionIds` that has one. */
export function latestFindings(db: Db, detentionIds: readonly string[]): Map<string, Finding> {
  const out = new Map<string, Finding>();
  if (detentionIds.length === 0) return out;
  const rows = db.$client
    .prepare(
      `${SELECT} WHERE r.id IN (SELECT max(id) FROM detention_reviews WHERE detention_id IN
        (${detentionIds.map(() => '?').join(',')}) GROUP BY detention_id)`,
    )
    .all(...detentionIds) as FindingRow[];
  for (const r of rows) out.set(r.detentionId, finding(r));
  return out;
}
