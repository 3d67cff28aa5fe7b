/**
 * Links in the manual: every relative markdown link, and the headings a `#fragment` can point at
 * (GitHub's anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered).
 */
import { readFileSync } from 'node:fs';

export interface Link {
  text: string;
  target: string;
}

/** `[text](target)` and `![alt](target)`, outside fenced code blocks. */
export function links(markdown: string): Link[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...prose.matchAll(/!?\[([^\]]*)\]\(([^)\s]+)\)/g)].map((m) => ({ text: m[1]!, target: m[2]! }));
}

export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, title] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const base = title!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Anchors of a page, read once. */
const cache = new Map<string, Set<string>>();
export function anchorsOf(path: string): Set<string> {
  if (!cache.has(path)) cache.set(path, anchors(readFileSync(path, 'utf8')));
  return cache.get(path)!;
}
