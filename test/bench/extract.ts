/**
 * A synthetic command-and-control extract for the import and report benchmarks: `n` incidents
 * spread evenly from `start`, seeded (mulberry32), in the importer's column layout.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { IMPORT_COLUMNS } from '../../src/import/import-incidents.js';
import { loadForceConfig } from '../../src/config/load.js';

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function writeExtract(
  path: string,
  n: number,
  opts: { start?: string; years?: number; seed?: number; refPrefix?: string } = {},
) {
  const config = loadForceConfig();
  const rand = prng(opts.seed ?? 7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const start = Date.parse(opts.start ?? '2015-04-01T00:00:00Z');
  const span = (opts.years ?? 10) * 365.25 * 86_400_000;
  const out = createWriteStream(path);
  out.write(`${Object.keys(IMPORT_COLUMNS).join(',')}\n`);
  const iso = (t: number) => new Date(Math.round(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const cats = config.categories.map((c) => c.code);
  const agencies = config.agencies.map((a) => a.code);
  const decisions = ['deploy', 'jointResponse', 'handover', 'adviceOnly', ''];
  // A few people very often, some regularly, most once or twice (skewed like real repeat demand).
  const people = Math.max(50, Math.round(n * 0.4));
  const personOf = (r: () => number) =>
    r() < 0.05
      ? Math.floor(r() * 20)
      : r() < 0.15
        ? 20 + Math.floor(r() * Math.max(10, n / 200))
        : Math.floor(r() * people);
  for (let i = 0; i < n; i++) {
    const received = start + (span * i) / n + rand() * 60_000;
    const t = received + 60_000 + rand() * 600_000;
    const resources: string[] = [];
    const nres = rand() < 0.3 ? 0 : rand() < 0.7 ? 1 : 2;
    let closed = t + 600_000;
    for (let k = 0; k < nres; k++) {
      const d = t + k * 120_000;
      const arr = d + 300_000 + rand() * 1_200_000;
      const steps = [`dispatched@${iso(d)}`, `arrived@${iso(arr)}`];
      let end = arr + 1_200_000 + rand() * 5_400_000;
      if (rand() < 0.15) {
        steps.push(`conveying@${iso(end)}`);
        end += 900_000 + rand() * 1_800_000;
        steps.push(`${rand() < 0.5 ? 'atED' : 'atHBPoS'}@${iso(end)}`);
        end += 1_800_000 + rand() * 10_800_000;
      }
      steps.push(`cleared@${iso(end)}`);
      resources.push(`K${(i + k) % 900}|${rand() < 0.8 ? 2 : 1}|response|${steps.join('|')}`);
      closed = Math.max(closed, end + 60_000);
    }
    const answered = received + 5_000 + rand() * 20_000;
    const referral = () => {
      if (rand() > 0.35) return ['', '', '', ''];
      const made = received + 600_000 + rand() * 1_800_000;
      const answer = pick(['accepted', 'accepted', 'accepted', 'declined', 'noResponse', '']);
      return [pick(agencies), iso(made), answer, answer ? iso(made + 300_000 + rand() * 7_200_000) : ''];
    };
    const row = [
      `${opts.refPrefix ?? 'HIST'}-${i}`,
      iso(received),
      iso(closed),
      pick(['999', '101', '999', 'online']),
      pick(cats),
      pick(['G1', 'G2', 'G3', 'G4', 'G5']),
      pick(config.districts),
      rand() < 0.8 ? 'urban' : 'rural',
      rand() < 0.85 ? 'Y' : 'N',
      rand() < 0.1 ? '' : rand() < 0.9 ? 'Y' : 'N',
      pick(decisions),
      pick(config.closureCodes),
      iso(answered),
      iso(answered + 60_000 + rand() * 400_000),
      ...referral(),
      rand() < 0.6 ? `P${personOf(rand)}` : '',
      resources.join(';'),
      '', // referrals: this extract gives its one referral in the referral_* columns
    ];
    if (!out.write(`${row.map((v) => (/[",]/.test(v) ? `"${v}"` : v)).join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
