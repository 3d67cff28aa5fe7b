/**
 * The README is what a newcomer reads first: short, the two commands near the top, and every link
 * leads to a page of the manual that exists. The manual's own links are checked the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsPages } from '../../src/docs/generated.js';
import { anchorsOf, links } from './links.js';

const readme = readFileSync('README.md', 'utf8');

/** Problems with the relative links of a page: missing files, missing headings. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  for (const { target } of links(readFileSync(page, 'utf8'))) {
    if (/^[a-z]+:/.test(target)) continue;
    const [file, fragment] = target.split('#') as [string, string | undefined];
    const path = file ? normalize(join(dirname(page), file)) : page;
    if (!existsSync(path)) broken.push(`${page}: ${target} (no such file)`);
    else if (fragment && path.endsWith('.md') && !anchorsOf(path).has(fragment))
      broken.push(`${page}: ${target} (no such heading)`);
  }
  return broken;
}

describe('README', () => {
  it('shows the start and test commands near the top', () => {
    const top = readme.split('\n').slice(0, 40).join('\n');
    expect(top).toMatch(/^npm start\b/m);
    expect(top).toMatch(/^npm test\b/m);
  });

  it('is at most 250 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(250);
  });

  it('links only to pages and images under docs/ that exist, and to the local server', () => {
    const targets = links(readme).map((l) => l.target);
    expect(targets.length).toBeGreaterThan(10);
    for (const t of targets) {
      if (/^[a-z]+:/.test(t)) expect(t, 'an outside link').toMatch(/^http:\/\/localhost:3000\//);
      else expect(t, 'a link outside docs/').toMatch(/^docs\//);
    }
    expect(brokenLinks('README.md')).toEqual([]);
  });

  it('shows the evidence pack screenshot committed under docs/images', () => {
    const image = links(readme).find((l) => l.target.endsWith('.png'))!;
    expect(image.target).toBe('docs/images/evidence-pack.png');
    expect(readFileSync(image.target).subarray(1, 4).toString()).toBe('PNG');
  });

  it('reaches every page of the manual', () => {
    const linked = new Set(links(readme).map((l) => l.target.split('#')[0]));
    for (const page of docsPages()) expect(linked, page).toContain(page);
  });
});

describe('the manual in docs/', () => {
  it('every relative link leads to a file and heading that exist', () => {
    expect(docsPages().flatMap(brokenLinks)).toEqual([]);
  });

  it('points at nothing outside the repository', () => {
    for (const page of ['README.md', ...docsPages()]) {
      const text = readFileSync(page, 'utf8');
      expect(text, page).not.toMatch(/\.\.\/shared|DOMAIN\.md|DOMAIN §|shared\/data/);
    }
  });
});
