/**
 * R24 on screen: the configured places of safety the law allows for this person now. Each place is
 * put to the s.136 machine's own place check (`placeViolation`) with the person's age as the
 * command would stamp it (`ageNow`); a place refused by R24 (a police station for someone under 18)
 * or by the force's police-station setting is not offered. A police station for an adult is
 * offered: its Regulations record (R25) is what the form then asks for.
 */
import { PLACE_TYPES, placeViolation, type DetentionContext, type PlaceType } from '../../machines/detention/index.js';
import type { Violation } from '../../machines/kit.js';
import { ageNow, detentionPolicy, resolvePlace } from '../commands/detention-events.js';
import { isRefusal } from '../commands/refusal.js';
import type { ForceConfig } from '../config/schema.js';
import type { AggregateState } from '../domain/incident-aggregate.js';

export interface OfferedPlace {
  code: string;
  label: string;
  type: string;
}

/** The age and policy a place is judged with, as the command would stamp them. */
function judged(config: ForceConfig, state: AggregateState, detentionId: string | null) {
  const d = detentionId ? state.children.detention[detentionId] : undefined;
  const ctx = (d?.context as DetentionContext | undefined) ?? null;
  return { age: ageNow(state, ctx), policy: ctx?.policy ?? detentionPolicy(config) };
}

const refusedForPerson = (v: Violation | null) =>
  v !== null && (v.rule === 'R24' || v.code === 'POLICE_STATION_NOT_PERMITTED');

/** Kinds of place (for a place that is not configured) the law allows for this person at `at`. */
export function placeTypesAllowed(
  config: ForceConfig,
  state: AggregateState,
  detentionId: string | null,
  at: string,
): PlaceType[] {
  const { age, policy } = judged(config, state, detentionId);
  return PLACE_TYPES.filter((type) => {
    const place = resolvePlace(config, { type, description: 'a place' });
    return !isRefusal(place) && !refusedForPerson(placeViolation(policy, place, age, at));
  });
}

/** Places a detention on this incident (`detentionId`, or a new one when null) may use at `at`. */
export function placesAllowed(
  config: ForceConfig,
  state: AggregateState,
  detentionId: string | null,
  at: string,
): OfferedPlace[] {
  const { age, policy } = judged(config, state, detentionId);
  return config.s136.placesOfSafety.filter((p) => {
    const place = resolvePlace(config, { site: p.code });
    if (isRefusal(place)) return false;
    return !refusedForPerson(placeViolation(policy, place, age, at));
  });
}
