import { openDatabase } from '../../db/client.js';
import { loadForceConfig } from '../../src/config/load.js';
import { applyToAggregate, emptyAggregate, serializeAggregate } from '../../src/domain/incident-aggregate.js';
import { project } from '../../src/domain/projection.js';
import { incidentStore } from '../../src/commands/incident-store.js';
import { incidentPolicy, gradePolicy } from '../../src/commands/machine-events.js';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
const config = loadForceConfig();
const n = Number(process.argv[2] ?? 10000);
for (const s of ['', '-wal', '-shm']) fs.rmSync('/tmp/exp/ph.sqlite' + s, { force: true });
const db = openDatabase('/tmp/exp/ph.sqlite');
const store = incidentStore(db);
const T = (i: number) => new Date(Date.parse('2016-01-01T00:00:00Z') + i * 3_600_000).toISOString();
const events = Array.from({ length: n }, (_, i) => ({
  type: 'INCIDENT_IMPORTED', incidentId: randomUUID(), reference: 'R' + i, channel: '999', category: 'concernForWelfare', grade: 'G2', gradePolicy: gradePolicy(config, 'G2'),
  district: 'Maidstone', locationClass: 'urban', mhFlagAtCall: true, mhFlagAtClose: true, rcrpDecision: 'deploy', closureCode: 'resolved', closedAt: T(i + 1), callHandling: [],
  resources: [{ assignmentId: 'h1', callSign: 'K1', officers: 2, resourceType: 'response', dispatchedAt: T(i), arrivedAt: T(i), clearedAt: T(i + 1), segments: [{ activity: 'scene', startAt: T(i), endAt: T(i + 1) }] }],
  policy: incidentPolicy(config, 'concernForWelfare'), source: { file: 'x', line: i }, seq: 1, occurredAt: T(i), recordedAt: '2030-01-01T00:00:00.000Z', actor: { id: 'import', role: 'system' },
})) as any[];
let t = performance.now();
const states = events.map((e) => { const r = applyToAggregate(emptyAggregate(), e); if (!r.ok) throw new Error(JSON.stringify(r.violation)); return r.state; });
console.log('apply', ((performance.now() - t) * 1000 / n).toFixed(1), 'µs');
t = performance.now();
const projs = states.map((s) => project(s));
console.log('project', ((performance.now() - t) * 1000 / n).toFixed(1), 'µs');
t = performance.now(); states.forEach((s) => serializeAggregate(s)); console.log(' of which serialize', ((performance.now() - t) * 1000 / n).toFixed(1), 'µs');
const rollup = store.rollupWriter();
t = performance.now();
db.$client.transaction(() => { for (let i = 0; i < n; i++) { store.append(events[i].incidentId, events[i], null); } })();
console.log('append', ((performance.now() - t) * 1000 / n).toFixed(1), 'µs');
t = performance.now();
db.$client.transaction(() => { for (let i = 0; i < n; i++) store.writeProjection(null, projs[i]!, rollup); rollup.flush(); })();
console.log('writeProjection', ((performance.now() - t) * 1000 / n).toFixed(1), 'µs');
