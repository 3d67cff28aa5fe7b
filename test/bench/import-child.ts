/**
 * Child process for the import benchmark: imports one extract into one database, as
 * `npm run import` does, and reports the result and its own peak memory to the parent.
 *   node --import tsx test/bench/import-child.ts <dbPath> <extract.csv>
 */
import { closeDatabase, openDatabase } from '../../db/client.js';
import { systemClock } from '../../src/clock.js';
import { loadForceConfig } from '../../src/config/load.js';
import { PersonKeyer } from '../../src/domain/person-key.js';
import { importCsvFile } from '../../src/import/import-incidents.js';

const [dbPath, csv] = process.argv.slice(2) as [string, string];
const db = openDatabase(dbPath, { synchronous: 'FULL' });
const deps = {
  db,
  clock: { now: () => new Date('2030-01-01T00:00:00Z') },
  config: loadForceConfig(),
  keyer: new PersonKeyer('bench-person-key-secret-0123456789abcdef'),
  mailEnabled: false,
};
void systemClock;
let last = 0;
const r = await importCsvFile(deps, csv, {
  onBatch: (s) => {
    if (s.rows - last >= 100_000) {
      last = s.rows;
      process.stderr.write(`  … ${s.rows} rows, ${Math.round(process.memoryUsage().rss / 1e6)} MB RSS\n`);
    }
  },
});
closeDatabase(db);
process.send!({
  type: 'done',
  rows: r.rows,
  imported: r.imported,
  errorCount: r.errorCount,
  seconds: r.seconds,
  maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
});
process.exit(0);
