/**
 * A s.136 detention shaped for a test of the MH lead's review: from the decision to its closed
 * record through the API, with a handover of so many minutes, a police vehicle with no ambulance
 * requested, a late assessment, or stopping at arrival or at the outcome. The clock ends where the
 * record does.
 */
import type { Harness } from './harness.js';
import {
  arrived,
  assessmentStarted,
  closeDetention,
  considered,
  consulted,
  conveyed,
  departed,
  detained,
  nhsAccepted,
  outcome,
  policeIncident,
  steps,
} from './flows.js';

export const person = { subject: { ageYears: 34, gender: 'male', ethnicity: 'white' } };

export interface Shape {
  /** Minutes between arrival and police leaving (NHS accepts just before). */
  handoverMinutes?: number;
  /** Conveyed in a police vehicle with no ambulance requested (R34). */
  noAmbulance?: boolean;
  /** Minutes from arrival to the assessment start (R37 flags more than 180). */
  assessmentAfter?: number;
  /** Stop after this step. */
  until?: 'arrived' | 'outcome' | 'closed';
  site?: string;
  result?: string;
}

/** A s.136 detention from the decision to its closed record, shaped by `s`; the clock ends where the record does. */
export async function detentionShaped(h: Harness, detentionId: string, s: Shape = {}) {
  const id = await policeIncident(h, person);
  const convey = s.noAmbulance
    ? conveyed(detentionId, {
        method: 'policeVehicle',
        ambulanceRequested: false,
        policeVehicleReason: 'ambulanceNotRequested',
      })
    : conveyed(detentionId);
  await steps(h, id, [considered(detentionId), consulted(detentionId)]);
  h.clock.advanceMinutes(5);
  await steps(h, id, [detained(detentionId), convey]);
  h.clock.advanceMinutes(25);
  await steps(h, id, [arrived(detentionId, { site: s.site ?? 'kmptMaidstone' })]);
  if (s.until === 'arrived') return id;
  const handover = s.handoverMinutes ?? 40;
  h.clock.advanceMinutes(handover - 5);
  await steps(h, id, [nhsAccepted(detentionId)]);
  h.clock.advanceMinutes(5);
  await steps(h, id, [departed(detentionId)]);
  h.clock.advanceMinutes((s.assessmentAfter ?? 90) - handover);
  await steps(h, id, [assessmentStarted(detentionId)]);
  h.clock.advanceMinutes(60);
  await steps(h, id, [
    outcome(detentionId, s.result ?? 'dischargedWithReferral', {
      doctorExaminedAt: h.clock.at(-50),
      amhpInterviewedAt: h.clock.at(-30),
      reportedByHealth: true,
    }),
  ]);
  if (s.until === 'outcome') return id;
  await steps(h, id, [closeDetention(detentionId)]);
  return id;
}
