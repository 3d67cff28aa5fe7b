/**
 * Summarise a V8 .cpuprofile (from BENCH_PROFILE=1): self time by function and by file, and total
 * (inclusive) time for the heaviest frames. Usage: npx tsx test/bench/profile-summary.ts <file> [top]
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const [file, topText] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
const top = Number(topText ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfSamples = new Map<number, number>();
for (const s of prof.samples) selfSamples.set(s, (selfSamples.get(s) ?? 0) + 1);
const total = prof.samples.length;

const short = (url: string) => url.replace(/^file:\/\/\/work\/main\//, '').replace(/^.*node_modules\//, 'nm:');
const key = (n: Node) =>
  `${n.callFrame.functionName || '(anon)'} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const selfFile = new Map<string, number>();
const incl = new Map<string, number>();
for (const [id, count] of selfSamples) {
  const n = byId.get(id)!;
  self.set(key(n), (self.get(key(n)) ?? 0) + count);
  const f = short(n.callFrame.url) || n.callFrame.functionName;
  selfFile.set(f, (selfFile.get(f) ?? 0) + count);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const k = key(byId.get(cur)!);
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + count);
  }
}
const pct = (n: number) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n## ${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
};
console.log(`${total} samples`);
print('self time by function', self);
print('self time by file', selfFile);
print('total (inclusive) time', incl);
