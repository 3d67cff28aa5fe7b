/** Police ranks in order of seniority, plus the control-room supervisor grade held by police staff. */
export const POLICE_RANKS = [
  'constable',
  'sergeant',
  'inspector',
  'chiefInspector',
  'superintendent',
  'chiefSuperintendent',
  'assistantChiefConstable',
  'deputyChiefConstable',
  'chiefConstable',
] as const;
export const RANKS = [...POLICE_RANKS, 'controlRoomSupervisor'] as const;
export type PoliceRank = (typeof POLICE_RANKS)[number];
export type Rank = (typeof RANKS)[number];

/** True when `rank` is a police rank at or above `minimum` (police staff grades never qualify). */
export function rankAtLeast(rank: Rank, minimum: PoliceRank): boolean {
  const i = (POLICE_RANKS as readonly string[]).indexOf(rank);
  return i >= 0 && i >= POLICE_RANKS.indexOf(minimum);
}

/** Supervisors who may override a control-room decision: sergeant and above, or an FCR supervisor. */
export function isSupervisoryRank(rank: Rank): boolean {
  return rank === 'controlRoomSupervisor' || rankAtLeast(rank, 'sergeant');
}
