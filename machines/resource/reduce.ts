/** How each accepted event changes an assignment (cannot fail: the rules have already said yes). */
import type { EventOf } from '../kit.js';
import type { ResourceContext, ResourceEvent, ResourceEventType, ResourceSpec } from './events.js';

const spec = (e: ResourceSpec): ResourceSpec => ({
  assignmentId: e.assignmentId,
  callSign: e.callSign,
  officers: e.officers,
  resourceType: e.resourceType,
});

const reducers: {
  [K in ResourceEventType]: (ctx: ResourceContext, e: EventOf<ResourceEvent, K>) => ResourceContext;
} = {
  RESOURCE_DISPATCHED: (_ctx, e) => ({
    ...spec(e),
    dispatchedAt: e.occurredAt,
    arrivedAt: null,
    clearedAt: null,
    segments: [],
    imported: false,
    flags: [],
  }),
  RESOURCE_ARRIVED: (ctx, e) => ({ ...ctx, arrivedAt: e.occurredAt }),
  RESOURCE_CLEARED: (ctx, e) => ({ ...ctx, clearedAt: e.occurredAt, segments: e.segments }),
  RESOURCE_IMPORTED: (_ctx, e) => ({
    ...spec(e),
    dispatchedAt: e.dispatchedAt,
    arrivedAt: e.arrivedAt,
    clearedAt: e.clearedAt,
    segments: e.segments,
    imported: true,
    flags: [],
  }),
};

export function reduceResource(ctx: ResourceContext, e: ResourceEvent): ResourceContext {
  return (reducers[e.type] as (c: ResourceContext, ev: ResourceEvent) => ResourceContext)(ctx, e);
}
