import { randomBytes, randomInt } from 'node:crypto';
import { openSecret, sealSecret } from '../../auth/secret-box';

/** APP_KEY seals for the two kinds of database passwords (separate HKDF purposes, see secret-box.ts). */
export const HOST_PURPOSE = 'database-host';
export const DATABASE_PURPOSE = 'server-database';

// A one-character prefix keeps the plaintext non-empty (an empty admin password is legitimate; secret-box refuses
// to open a seal without ciphertext).
const seal = (appKey: string, purpose: string, password: string) => sealSecret(appKey, purpose, `p${password}`);
const open = (appKey: string, purpose: string, sealed: string) => openSecret(appKey, purpose, sealed)?.slice(1) ?? null;

export const sealHostPassword = (appKey: string, password: string) => seal(appKey, HOST_PURPOSE, password);
export const openHostPassword = (appKey: string, sealed: string) => open(appKey, HOST_PURPOSE, sealed);
export const sealDatabasePassword = (appKey: string, password: string) => seal(appKey, DATABASE_PURPOSE, password);
export const openDatabasePassword = (appKey: string, sealed: string) => open(appKey, DATABASE_PURPOSE, sealed);

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
/** URL-unreserved, so the password fits a JDBC or mysql:// URL as is. */
const SPECIAL = '-_.~';
const ALL = LOWER + UPPER + DIGITS + SPECIAL;
const ALNUM = LOWER + UPPER + DIGITS;

const pick = (chars: string) => chars[randomInt(chars.length)] ?? 'x';

/** 24 random characters with at least one of each class (hosts with a password-strength plugin accept it). */
export function newDatabasePassword(length = 24): string {
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SPECIAL)];
  while (chars.length < length) chars.push(pick(ALL));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? 'x', chars[i] ?? 'x'];
  }
  return chars.join('');
}

/** `length` random letters and digits (the user suffix, the public id). */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[(bytes[i] ?? 0) % ALNUM.length];
  return out;
}
