/**
 * Pseudonymous person keys (R15, R41 in docs/rules.md; UK GDPR data minimisation). Identifiers are
 * normalised and turned into HMAC-SHA256 keys with a secret held outside the database; the
 * identifiers themselves are then dropped and never stored, logged or echoed in errors.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface PersonIdentifiers {
  nhsNumber?: string | undefined;
  forcePersonId?: string | undefined;
  name?: string | undefined;
  dateOfBirth?: string | undefined;
}

/** NHS number: 10 digits, the last a modulus-11 check digit. */
export function isValidNhsNumber(raw: string): boolean {
  const digits = raw.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return false;
  const sum = [...digits.slice(0, 9)].reduce((acc, d, i) => acc + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(digits[9]);
}

const normaliseName = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, ' ')
    .trim();

export class PersonKeyer {
  readonly #secret: Buffer;

  constructor(secret: string | Buffer) {
    this.#secret = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
    if (this.#secret.length < 16) throw new Error('person key secret must be at least 16 bytes');
  }

  #key(kind: string, value: string): string {
    return `pk_${createHmac('sha256', this.#secret).update(`${kind}:${value}`).digest('hex').slice(0, 40)}`;
  }

  /** One key per identifier supplied, most reliable first (NHS number, force id, name + DOB). */
  keysFor(ids: PersonIdentifiers): string[] {
    const keys: string[] = [];
    if (ids.nhsNumber) keys.push(this.#key('nhs', ids.nhsNumber.replace(/[\s-]/g, '')));
    if (ids.forcePersonId) keys.push(this.#key('force', ids.forcePersonId.trim().toUpperCase()));
    if (ids.name && ids.dateOfBirth) keys.push(this.#key('namedob', `${normaliseName(ids.name)}|${ids.dateOfBirth}`));
    return keys;
  }
}

/**
 * PERSON_KEY_SECRET from the environment, else a secret generated once and kept in a file beside
 * the database (readable by the owner only). Returns whether a new one had to be generated.
 */
export function resolvePersonKeySecret(
  envSecret: string | undefined,
  secretFile: string,
): { secret: string; source: 'env' | 'file' | 'generated' } {
  if (envSecret && envSecret.length > 0) return { secret: envSecret, source: 'env' };
  if (existsSync(secretFile)) return { secret: readFileSync(secretFile, 'utf8').trim(), source: 'file' };
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(secretFile, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, source: 'generated' };
}
