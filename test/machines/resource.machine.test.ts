/** The resource machine's rule checks on their own (pure): R38 times, R39 segments. */
import { describe, expect, it } from 'vitest';
import { checkAssignmentTimes, checkSegments, type Segment } from '../../machines/resource/index.js';

const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, 0) + m * 60_000).toISOString();
const s = (activity: Segment['activity'], from: number, to: number): Segment => ({
  activity,
  startAt: t(from),
  endAt: t(to),
});

describe('resource machine rules', () => {
  it('R38 dispatched ≤ arrived ≤ cleared; equal times are allowed', () => {
    expect(checkAssignmentTimes('A1', t(0), t(0), t(0))).toBeNull();
    expect(checkAssignmentTimes('A1', t(0), null, t(30))).toBeNull();
    expect(checkAssignmentTimes('A1', t(10), t(5), null)?.code).toBe('ARRIVED_BEFORE_DISPATCH');
    expect(checkAssignmentTimes('A1', t(0), t(20), t(15))?.code).toBe('CLEARED_BEFORE_START');
    expect(checkAssignmentTimes('A1', t(10), null, t(5))?.rule).toBe('R38');
  });

  it('R39 segments that touch end to start do not overlap and add up exactly', () => {
    expect(
      checkSegments('A1', [s('travel', 0, 12), s('scene', 12, 60), s('conveyance', 60, 90)], t(0), t(90)),
    ).toBeNull();
    // Order of the list does not matter.
    expect(checkSegments('A1', [s('scene', 12, 90), s('travel', 0, 12)], t(0), t(90))).toBeNull();
  });

  it('R39 refuses overlapping segments for the same resource', () => {
    expect(checkSegments('A1', [s('travel', 0, 15), s('scene', 14, 91)], t(0), t(90))).toMatchObject({ rule: 'R39' });
    expect(checkSegments('A1', [s('travel', 0, 15), s('scene', 14, 90)], t(0), t(90))).toMatchObject({
      rule: 'R39',
      code: 'SEGMENTS_OVERLAP',
    });
  });

  it('R39 the segments must sum to the assignment within one minute: 60 s short passes, 61 s fails', () => {
    const short = (secs: number) => [
      s('travel', 0, 10),
      { activity: 'scene' as const, startAt: new Date(Date.parse(t(10)) + secs * 1000).toISOString(), endAt: t(90) },
    ];
    expect(checkSegments('A1', short(60), t(0), t(90))).toBeNull();
    expect(checkSegments('A1', short(61), t(0), t(90))).toMatchObject({ rule: 'R39', code: 'SEGMENTS_DO_NOT_SUM' });
  });

  it('R39 refuses segments outside the assignment or none at all; R7 refuses a segment ending before it starts', () => {
    expect(checkSegments('A1', [s('travel', -5, 90)], t(0), t(90))?.code).toBe('SEGMENT_OUTSIDE_ASSIGNMENT');
    expect(checkSegments('A1', [], t(0), t(90))?.code).toBe('SEGMENTS_REQUIRED');
    expect(checkSegments('A1', [s('travel', 30, 0), s('scene', 30, 90)], t(0), t(90))?.rule).toBe('R7');
  });
});
