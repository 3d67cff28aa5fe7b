/** The policy module itself: complete (every command event type has an operation) and never widened. */
import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_POLICY,
  EVENT_OPERATIONS,
  eventOperations,
  grantOf,
  narrowPolicy,
  PolicyWideningError,
} from '../../src/access/policy.js';
import { COMMAND_EVENT_TYPES } from '../../src/domain/vocabulary.js';

describe('the access policy', () => {
  it('names an operation for exactly the event types a person may send', () => {
    expect(Object.keys(EVENT_OPERATIONS).sort()).toEqual([...COMMAND_EVENT_TYPES].sort());
  });

  it('refuses by default: an unknown event type has no operation, a role without a grant is refused', () => {
    expect(eventOperations({ type: 'DEADLINE_REACHED' })).toBeNull();
    expect(grantOf(BUILT_IN_POLICY, 'pcc_analyst', 'incident.read')).toBeNull();
    expect(grantOf(BUILT_IN_POLICY, 'admin', 'incident.read')).toBeNull();
    expect(grantOf(BUILT_IN_POLICY, 'pcc_analyst', 'reports.read')).toBe('suppressed');
    expect(grantOf(BUILT_IN_POLICY, 'mh_lead', 'incident.readClosed')).toBe('reason');
  });

  it('R9 an RCRP decision with an override needs the override operation as well', () => {
    expect(eventOperations({ type: 'RCRP_DECISION_RECORDED' })).toEqual(['incident.manage']);
    expect(eventOperations({ type: 'RCRP_DECISION_RECORDED', override: { name: 'x' } })).toEqual([
      'incident.manage',
      'incident.override',
    ]);
  });

  it('configuration narrows the matrix and never widens it, naming the entry', () => {
    const narrowed = narrowPolicy({ 'resource.manage': ['dispatcher', 'supervisor'] });
    expect(grantOf(narrowed, 'officer', 'resource.manage')).toBeNull();
    expect(grantOf(narrowed, 'dispatcher', 'resource.manage')).toBe('allow');
    expect(grantOf(narrowed, 'call_handler', 'incident.create')).toBe('allow');
    expect(() => narrowPolicy({ 'incident.read': ['pcc_analyst'] })).toThrowError(
      new PolicyWideningError(
        "access.narrow.incident.read: 'pcc_analyst' is not granted 'incident.read' by the built-in matrix; " +
          'configuration may narrow the matrix, never widen it',
      ),
    );
    expect(() => narrowPolicy({ 'incident.delete': [] })).toThrowError(/no such operation/);
  });
});
