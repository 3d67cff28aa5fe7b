/**
 * Writes the OpenAPI document exactly as the app serves it (GET /api/openapi.json of createApp with
 * the default force configuration and an empty in-memory database), for `npm run lint:openapi`.
 * Usage: tsx scripts/openapi.ts [out.json]   (default .test-results/openapi.json)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { closeDatabase, openDatabase } from '../db/client.js';
import { createApp } from '../src/app.js';
import { systemClock } from '../src/clock.js';
import { loadForceConfig } from '../src/config/load.js';
import { PersonKeyer } from '../src/domain/person-key.js';

const out = process.argv[2] ?? '.test-results/openapi.json';
const db = openDatabase(':memory:');
const app = createApp({
  db,
  clock: systemClock,
  config: loadForceConfig(),
  keyer: new PersonKeyer('openapi-document-only-no-person-is-keyed'),
  mailEnabled: true,
});
const res = await app.request('/api/openapi.json');
if (res.status !== 200) throw new Error(`GET /api/openapi.json answered ${res.status}`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(await res.json(), null, 2)}\n`);
closeDatabase(db);
console.log(`OpenAPI document written to ${out}`);
