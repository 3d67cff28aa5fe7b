/**
 * One incident as the console's incident page needs it: the API's view with its timeline, plus what
 * each child (referral, resource assignment, detention) accepts now — so a form for a child event
 * offers only the children that would take it — and the clocks the incident is watching.
 */
import type { Db } from '../../db/client.js';
import { referralAllowedEvents, type ReferralSnapshot } from '../../machines/referral/index.js';
import { resourceAllowedEvents, type ResourceSnapshot } from '../../machines/resource/index.js';
import { incidentStore } from '../commands/incident-store.js';
import { aggregateDeadlines, restoreAggregate, type AggregateState } from '../domain/incident-aggregate.js';
import { incidentView, type IncidentView } from '../domain/incident-view.js';
import { incidentTimeline, type TimelineEntry } from './timeline.js';

export interface ConsoleIncident {
  view: IncidentView;
  timeline: TimelineEntry[];
  state: AggregateState;
  /** Event types each child accepts now, by kind and id. */
  childAllowed: { referral: Record<string, string[]>; resource: Record<string, string[]> };
  /** Clocks still running (not yet reached). */
  clocks: Array<{ key: string; rule: string; kind: string; dueAt: string }>;
}

export function consoleIncident(db: Db, id: string): ConsoleIncident | null {
  const row = incidentStore(db).load(id);
  if (!row) return null;
  const state = restoreAggregate(row.snapshot);
  const view = incidentView(state);
  const closed = view.status === 'closed';
  const allowed = <S>(children: Record<string, unknown>, f: (s: S) => string[]) =>
    Object.fromEntries(Object.entries(children).map(([k, s]) => [k, closed ? [] : f(s as S)]));
  return {
    view,
    timeline: incidentTimeline(db, id),
    state,
    childAllowed: {
      referral: allowed<ReferralSnapshot>(state.children.referral, referralAllowedEvents),
      resource: allowed<ResourceSnapshot>(state.children.resource ?? {}, resourceAllowedEvents),
    },
    clocks: closed
      ? []
      : aggregateDeadlines(state)
          .filter((d) => !d.fired)
          .map(({ key, rule, kind, dueAt }) => ({ key, rule, kind, dueAt })),
  };
}
