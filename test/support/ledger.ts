/** Valid time-ledger bodies for an incident as the API shows it (shared by workload tests). */

export interface LedgerView {
  receivedAt: string;
  resources?: Array<{ assignmentId: string; status: string; dispatchedAt: string; arrivedAt: string | null }>;
}

/** Segments that account for an assignment's time from dispatch to `clearAt`: travel, then scene if it arrived. */
export function segmentsFor(r: { dispatchedAt: string; arrivedAt: string | null }, clearAt: string) {
  return r.arrivedAt
    ? [
        { activity: 'travel', startAt: r.dispatchedAt, endAt: r.arrivedAt },
        { activity: 'scene', startAt: r.arrivedAt, endAt: clearAt },
      ]
    : [{ activity: 'travel', startAt: r.dispatchedAt, endAt: clearAt }];
}

/** A body for RESOURCE_ARRIVED, RESOURCE_CLEARED or CALL_HANDLING_RECORDED valid at `at`; null when none applies. */
export function ledgerBody(
  type: string,
  view: LedgerView,
  at: string,
  variant: number,
): Record<string, unknown> | null {
  const open = (view.resources ?? []).filter((r) => r.status !== 'cleared');
  switch (type) {
    case 'RESOURCE_ARRIVED': {
      const waiting = open.filter((r) => r.status === 'dispatched');
      const r = waiting[variant % Math.max(1, waiting.length)];
      return r ? { type, occurredAt: at, assignmentId: r.assignmentId } : null;
    }
    case 'RESOURCE_CLEARED': {
      const r = open[variant % Math.max(1, open.length)];
      return r ? { type, occurredAt: at, assignmentId: r.assignmentId, segments: segmentsFor(r, at) } : null;
    }
    case 'CALL_HANDLING_RECORDED': {
      const answered = new Date(Math.max(Date.parse(view.receivedAt), Date.parse(at) - 90_000)).toISOString();
      return { type, occurredAt: at, answeredAt: answered };
    }
    default:
      return null;
  }
}
