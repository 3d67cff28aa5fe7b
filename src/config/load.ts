import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forceConfigSchema, MOVED_TO_ACCESS, type ForceConfig } from './schema.js';

export const DEFAULT_CONFIG_PATH = join(dirname(fileURLToPath(import.meta.url)), 'default-force.json');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validate a parsed configuration object; throws ConfigError naming every bad field. */
export function parseForceConfig(raw: unknown, source = 'configuration'): ForceConfig {
  const moved = MOVED_TO_ACCESS.filter(({ path }) => valueAt(raw, path) !== undefined).map(
    ({ path, operation }) =>
      `  - ${path.join('.')}: roles are decided by the access policy now; remove this setting and narrow ` +
      `'${operation}' with access.narrow`,
  );
  const r = forceConfigSchema.safeParse(raw);
  if (r.success && moved.length === 0) return r.data;
  const lines = [
    ...moved,
    ...(r.success ? [] : r.error.issues).map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
  ];
  throw new ConfigError(`Invalid force configuration in ${source}:\n${lines.join('\n')}`);
}

function valueAt(raw: unknown, path: readonly string[]): unknown {
  let v = raw;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Read FORCE_CONFIG (a JSON file) or the bundled Kent-modelled default. */
export function loadForceConfig(path: string = DEFAULT_CONFIG_PATH): ForceConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`Cannot read force configuration ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`Force configuration ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseForceConfig(raw, path);
}
