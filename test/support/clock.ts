import type { Clock } from '../../src/clock.js';

/** A clock tests move explicitly; no sleeps anywhere. */
export class ManualClock implements Clock {
  #t: number;
  constructor(start: string | Date = '2026-11-23T09:00:00.000Z') {
    this.#t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#t);
  }
  set(iso: string): void {
    this.#t = new Date(iso).getTime();
  }
  advanceMinutes(m: number): void {
    this.#t += m * 60_000;
  }
  advanceSeconds(s: number): void {
    this.#t += s * 1000;
  }
  /** An ISO instant `minutes` after the current time (negative = before). */
  at(minutes = 0): string {
    return new Date(this.#t + minutes * 60_000).toISOString();
  }
}
