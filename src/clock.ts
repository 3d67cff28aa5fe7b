/** The only source of "now" in the shell; tests pass their own and move it explicitly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
