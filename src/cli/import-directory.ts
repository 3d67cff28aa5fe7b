/**
 * npm run directory:import -- <file.json> [--activate]
 * Imports partner services from an Open Referral UK JSON file into the agency directory of
 * DATABASE_PATH (FORCE_CONFIG gives the districts to match). New services arrive inactive for an
 * admin to review unless --activate; re-importing updates them by ORUK service id. Prints what
 * happened as JSON.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { systemClock } from '../clock.js';
import { ConfigError, DEFAULT_CONFIG_PATH, loadForceConfig } from '../config/load.js';
import type { ForceConfig } from '../config/schema.js';
import { AgencyDirectory, seedDirectory } from '../directory/directory.js';
import { importOruk, orukDocumentSchema } from '../directory/oruk-import.js';

const { values, positionals } = parseArgs({
  options: { activate: { type: 'boolean', default: false } },
  allowPositionals: true,
  strict: true,
});
const file = positionals[0];
if (!file || positionals.length > 1) {
  process.stderr.write('usage: npm run directory:import -- <oruk.json> [--activate]\n');
  process.exit(2);
}
let config: ForceConfig;
try {
  config = loadForceConfig(process.env.FORCE_CONFIG ?? DEFAULT_CONFIG_PATH);
} catch (e) {
  process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
  process.exit(1);
}
let doc: unknown;
try {
  doc = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  process.stderr.write(`cannot read ${file} as JSON: ${(e as Error).message}\n`);
  process.exit(1);
}
if (!orukDocumentSchema.safeParse(doc).success) {
  process.stderr.write(
    `${file} is not an Open Referral UK document (an organization with services, organizations, {"content": [...]} ` +
      `or services)\n`,
  );
  process.exit(1);
}
const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
try {
  const now = systemClock.now().toISOString();
  seedDirectory(db, config, now);
  const report = importOruk(new AgencyDirectory(db), config, doc, {
    activateNew: values.activate ?? false,
    actorId: 'cli:directory-import',
    now,
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(
    `imported into ${path}: ${report.created.length} ` +
      `created${values.activate ? '' : ' (inactive until an admin reviews them)'}, ${report.updated.length} updated, ` +
      `${report.unchanged} unchanged, ${report.skipped.length} skipped, ${report.warnings.length} warnings\n`,
  );
} finally {
  closeDatabase(db);
}
