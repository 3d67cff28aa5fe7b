// Lint step: no source line longer than 120 characters
// (Biome formats to 120 but cannot break a string or a comment).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const patterns = ['*.ts', '*.tsx', '*.mjs', '*.js'];
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', ...patterns], {
  encoding: 'utf8',
})
  .split('\n')
  .filter(Boolean);
const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // deleted in the work tree but still in the index
  }
  text.split('\n').forEach((line, i) => {
    const n = [...line].length;
    if (n > MAX) long.push(`${file}:${i + 1}: ${n} characters`);
  });
}
if (long.length) {
  console.error(`${long.length} line(s) longer than ${MAX} characters:\n${long.join('\n')}`);
  process.exit(1);
}
console.log(`line length: ${files.length} files, every line ≤ ${MAX} characters`);
