/**
 * What users may send for the police time ledger (R38, R39) and control-room handling time: shapes
 * only. Whether the times fit together is the resource machine's job (422 naming the rule).
 */
import { z } from '@hono/zod-openapi';
import { ACTIVITIES } from '../../machines/resource/index.js';
import { inputParts } from './input-parts.js';

const assignmentId = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/)
  .openapi({
    description:
      'The resource assignment (from the dispatch: `resources[].assignmentId`, generated as a<seq>-<n> when not given)',
  });

/** The schema of one activity segment (a function, like every input builder here). */
export const segmentInput = () =>
  z
    .strictObject({
      activity: z.enum(ACTIVITIES),
      startAt: inputParts.instant,
      endAt: inputParts.instant,
    })
    .openapi('ActivitySegment', {
      description:
        'What the resource was doing from startAt to endAt (R39: no overlaps; together they cover dispatched → ' +
        'cleared)',
    });

export function ledgerEventInputs() {
  const { at } = inputParts;
  return {
    RESOURCE_ARRIVED: z
      .strictObject({ type: z.literal('RESOURCE_ARRIVED'), ...at, assignmentId })
      .openapi('ResourceArrived', {
        description: 'occurredAt = when the resource arrived at the scene (R38: not before dispatch)',
      }),
    RESOURCE_CLEARED: z
      .strictObject({
        type: z.literal('RESOURCE_CLEARED'),
        ...at,
        assignmentId,
        segments: z.array(segmentInput()).min(1).max(100),
      })
      .openapi('ResourceCleared', {
        description:
          'occurredAt = when the resource became free. The segments account for all of its time from dispatch to ' +
          'clear (R39, within 1 minute); officer-hours are derived from them.',
      }),
    CALL_HANDLING_RECORDED: z
      .strictObject({ type: z.literal('CALL_HANDLING_RECORDED'), ...at, answeredAt: inputParts.instant })
      .openapi('CallHandlingRecorded', {
        description: 'Control-room handling of one call about the incident: answeredAt → occurredAt (call ended)',
      }),
  };
}
