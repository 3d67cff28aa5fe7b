/** Right Care Right Person decisions on MH-related incidents in RCRP categories. */
import { sectionSums, share } from '../sql.js';
import type { AvailableSection } from '../types.js';

export const rcrp: AvailableSection = {
  id: 'rcrp',
  title: 'Right Care Right Person decisions',
  status: 'available',
  definition:
    'MH-related incidents received in the period whose category is in RCRP scope (as configured when the call was ' +
    'taken), by the latest RCRP decision recorded: deploy, joint response (police and partner), handed over to a ' +
    'partner, advice only. The deployment rate is deploy + joint over incidents with a decision.',
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the agency of the incident's first referral ('(none)' without one)",
  measures: [
    {
      id: 'rcrpScope',
      label: 'Incidents in RCRP scope',
      unit: 'count',
      definition: 'MH-related incidents in an RCRP category.',
      value: (s) => s.rcrpScope!,
    },
    {
      id: 'decisionDeploy',
      label: 'Deployed',
      unit: 'count',
      definition: 'The latest RCRP decision was to deploy police.',
      value: (s) => s.decisionDeploy!,
    },
    {
      id: 'decisionJoint',
      label: 'Joint response',
      unit: 'count',
      definition: 'The latest decision was a joint response by police and a partner agency.',
      value: (s) => s.decisionJoint!,
    },
    {
      id: 'decisionHandover',
      label: 'Handed over',
      unit: 'count',
      definition:
        'The latest decision was to hand over to a partner agency (police not deployed; the partner responds).',
      value: (s) => s.decisionHandover!,
    },
    {
      id: 'decisionAdvice',
      label: 'Advice only',
      unit: 'count',
      definition: 'The latest decision was advice only (police not deployed).',
      value: (s) => s.decisionAdvice!,
    },
    {
      id: 'decisionNone',
      label: 'No decision recorded',
      unit: 'count',
      definition: 'In scope but no RCRP decision recorded (open incidents, or history imported without one).',
      value: (s) => s.decisionNone!,
    },
    {
      id: 'deploymentRate',
      label: 'Deployment rate',
      unit: 'share',
      definition: '(Deployed + joint response) ÷ incidents with a decision.',
      value: (s) => share(s.decisionDeploy! + s.decisionJoint!, s.rcrpScope! - s.decisionNone!),
      base: (s) => s.rcrpScope! - s.decisionNone!,
    },
    {
      id: 'notDeployedShare',
      label: 'Not deployed (handed over or advice)',
      unit: 'share',
      definition: '(Handed over + advice only) ÷ incidents with a decision.',
      value: (s) => share(s.decisionHandover! + s.decisionAdvice!, s.rcrpScope! - s.decisionNone!),
      base: (s) => s.rcrpScope! - s.decisionNone!,
    },
    {
      id: 'repeatAfterNoDeploy',
      label: 'Repeat contacts after a no-deploy decision',
      unit: 'count',
      definition:
        'MH-related incidents flagged R15: the same person was the subject of a no-deploy decision within the ' +
        'configured window (72 h) before this call. A safety signal.',
      value: (s) => s.repeatAfterNoDeploy!,
    },
  ],
  partitions: [
    {
      parts: ['decisionDeploy', 'decisionJoint', 'decisionHandover', 'decisionAdvice', 'decisionNone'],
      total: 'rcrpScope',
    },
  ],
  query: (ctx, p, groupBy) =>
    sectionSums(
      ctx,
      'demand_rollup',
      [
        'rcrp_scope',
        'decision_deploy',
        'decision_joint',
        'decision_handover',
        'decision_advice',
        'decision_none',
        'repeat_after_no_deploy',
      ],
      p,
      groupBy,
    ),
};
