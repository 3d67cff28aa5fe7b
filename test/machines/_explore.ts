import { getShortestPaths, getAdjacencyMap } from '@xstate/graph';
import { incidentMachine, incidentStateName, type IncidentEvent, type IncidentSnapshot } from '/work/main/machines/incident.machine.ts';
import { loadForceConfig } from '/work/main/src/config/load.ts';
import { incidentPolicy, gradePolicy } from '/work/main/src/commands/machine-events.ts';

const config = loadForceConfig();
const T = '2026-11-23T09:00:00.000Z';
const actor = { id: 'u1', role: 'call_handler' as const };
function nextSeq(s: IncidentSnapshot): number {
  const c = s.context;
  if (!c.incidentId) return 1;
  const seqs = [1, c.thrive?.seq ?? 0, c.grade?.seq ?? 0, c.decision?.seq ?? 0, c.pendingReassessment?.toSeq ?? 0, ...Object.values(c.referrals).map(r => r.statusSeq), ...c.flags.map(f => f.seq)];
  return Math.max(...seqs) + 1;
}
function events(s: IncidentSnapshot): IncidentEvent[] {
  const meta = { seq: nextSeq(s), occurredAt: T, recordedAt: T, actor };
  const c = s.context;
  const out: any[] = [];
  for (const category of ['concernForWelfare', 'mhCrisisInPublic']) out.push({ type: 'INCIDENT_CREATED', ...meta, incidentId: 'i1', reference: null, channel: '999', category, district: 'Maidstone', locationClass: 'urban', mhFlagAtCall: true, summary: null, location: null, subject: null, priorContacts: [], policy: incidentPolicy(config, category) });
  out.push({ type: 'THRIVE_RECORDED', ...meta, threat: 'a', harm: 'a', risk: 'a', investigation: 'a', vulnerability: 'a', engagement: 'a', rationale: 'r', safetyNet: null });
  out.push({ type: 'THRIVE_RECORDED', ...meta, threat: 'a', harm: 'a', risk: 'a', investigation: 'a', vulnerability: 'a', engagement: 'a', rationale: 'r', safetyNet: 'call back in 1h' });
  out.push({ type: 'GRADE_SET', ...meta, grade: 'G2', reason: null, gradePolicy: gradePolicy(config, 'G2') });
  for (const decision of ['deploy', 'jointResponse', 'handover', 'adviceOnly']) out.push({ type: 'RCRP_DECISION_RECORDED', ...meta, crimeOccurring: false, riskToLife: false, riskOfSeriousHarm: false, decision, rationale: 'r', override: null });
  out.push({ type: 'POLICE_DISPATCHED', ...meta, resources: [{ callSign: 'KM21', officers: 2, type: 'response' }] });
  const refs = c.referrals ? Object.keys(c.referrals) : [];
  if (refs.length < 2) out.push({ type: 'REFERRAL_MADE', ...meta, referralId: `r${refs.length + 1}`, agency: 'kmptSpoa', contactMethod: 'phone', namedContact: 'duty nurse', agencyReference: null });
  for (const id of refs) for (const answer of ['accepted', 'declined', 'noResponse']) out.push({ type: 'REFERRAL_ANSWERED', ...meta, referralId: id, answer, reason: answer === 'declined' ? 'no capacity' : null, agencyReference: null });
  out.push({ type: 'ADVICE_GIVEN', ...meta, summary: 's' });
  out.push({ type: 'RESOLVED_WITHOUT_DEPLOYMENT', ...meta, resolution: 'callerReassured', note: null });
  out.push({ type: 'NEW_INFORMATION', ...meta, summary: 's', source: 'caller' });
  out.push({ type: 'SUBJECT_RECORDED', ...meta, subject: { personKeys: [], ageYears: 30, ageBand: '25to34', gender: 'male', ethnicity: 'white', ethnicityBasis: 'selfDefined' }, priorContacts: [] });
  out.push({ type: 'INCIDENT_CLOSED', ...meta, mhFlagAtClose: true, closureCode: 'resolved', note: null });
  if (c.grade) out.push({ type: 'DEADLINE_REACHED', ...meta, deadlineKey: `R6:unresourced:${c.grade.seq}` });
  return out;
}
function serialize(s: IncidentSnapshot): string {
  const c = s.context;
  if (!c.incidentId) return incidentStateName(s);
  const latestOpen = Math.max(0, ...Object.values(c.referrals).filter(r => r.status === 'pending' || r.status === 'noResponse').map(r => r.statusSeq));
  return JSON.stringify([incidentStateName(s), c.policy.rcrpCategory, !!c.thrive, !!c.grade, c.decision?.decision ?? null,
    !!c.thrive && !!c.grade && c.thrive.seq > c.grade.seq, !!c.thrive && !!c.decision && c.thrive.seq > c.decision.seq,
    !!c.pendingReassessment, !!c.firstDispatchedAt, !!c.noDeployAt, c.firedDeadlines.length,
    Object.values(c.referrals).map(r => r.status).sort(), !!c.thrive?.safetyNet && c.thrive.seq > latestOpen]);
}
const t0 = performance.now();
const adj = getAdjacencyMap(incidentMachine, { events, serializeState: serialize as any });
console.log('abstract states', Object.keys(adj).length, 'ms', performance.now() - t0);
const paths = getShortestPaths(incidentMachine, { events, serializeState: serialize as any });
console.log('paths', paths.length, 'total steps', paths.reduce((a, p) => a + p.steps.length, 0), 'ms', performance.now() - t0);
