/**
 * npm run import -- extract.csv [--batch 5000]
 * Imports a historic command-and-control extract (see docs/operations.md, "Importing historic extracts").
 * Good rows are kept, bad rows are reported with their line numbers (also written to
 * <file>.errors.csv), and running it again on the same file changes nothing.
 * Exit status: 0 all rows imported or already present; 3 some rows refused; 1 the file could not be read.
 */
import { stringify } from 'csv-stringify/sync';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { systemClock } from '../clock.js';
import { DEFAULT_CONFIG_PATH, loadForceConfig } from '../config/load.js';
import { PersonKeyer, resolvePersonKeySecret } from '../domain/person-key.js';
import { ImportHeaderError, importCsvFile } from '../import/import-incidents.js';

const { values, positionals } = parseArgs({
  options: { batch: { type: 'string' } },
  allowPositionals: true,
  strict: true,
});
if (positionals.length !== 1) {
  process.stderr.write('usage: npm run import -- extract.csv [--batch 5000]\n');
  process.exit(2);
}
const file = resolve(positionals[0]!);
const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
let status = 0;
try {
  const config = loadForceConfig(process.env.FORCE_CONFIG ?? DEFAULT_CONFIG_PATH);
  const secret = resolvePersonKeySecret(process.env.PERSON_KEY_SECRET, `${path}.person-key`);
  const deps = { db, clock: systemClock, config, keyer: new PersonKeyer(secret.secret), mailEnabled: false };
  const r = await importCsvFile(deps, file, {
    batchSize: Number(values.batch ?? 5000),
    onBatch: (s) => process.stderr.write(`  ${s.rows} rows read, ${s.imported} imported\n`),
  });
  process.stdout.write(
    `${file}: ${r.rows} rows; ${r.imported} imported, ${r.alreadyPresent} already present, ${r.errorCount} refused; ` +
      `${r.seconds.toFixed(1)} s (${Math.round(r.rows / Math.max(r.seconds, 1e-9))} rows/s)\n`,
  );
  if (r.errorCount > 0) {
    for (const e of r.errors.slice(0, 20))
      process.stdout.write(
        `  line ${e.line}${e.ref ? ` (${e.ref})` : ''}: ${e.rule ? `[${e.rule}] ` : ''}${e.message}\n`,
      );
    if (r.errorCount > 20) process.stdout.write(`  … ${r.errorCount - 20} more\n`);
    const out = `${file}.errors.csv`;
    writeFileSync(
      out,
      stringify(
        r.errors.map((e) => [e.line, e.ref ?? '', e.rule ?? '', e.message]),
        { header: true, columns: ['line', 'incident_ref', 'rule', 'message'] },
      ),
    );
    process.stdout.write(
      `every refused row: ${out}${r.errorCount > r.errors.length ? ` (first ${r.errors.length})` : ''}\n`,
    );
    status = 3;
  }
} catch (e) {
  if (!(e instanceof ImportHeaderError) && !(e as NodeJS.ErrnoException).code) throw e;
  process.stderr.write(`${(e as Error).message}\n`);
  status = 1;
} finally {
  closeDatabase(db);
}
process.exit(status);
