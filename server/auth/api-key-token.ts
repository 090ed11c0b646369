import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** `ptlc_` + 16-character identifier + 32-character secret, as Pterodactyl's client keys. */
export const API_KEY_PREFIX = 'ptlc_';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/** `ptla_`: an application (admin API) key, as Pterodactyl's application keys (DESIGN §21). */
export const APPLICATION_KEY_PREFIX = 'ptla_';
export type ApiKeyType = 'client' | 'application';

export function mintApiKey(type: ApiKeyType = 'client'): { identifier: string; secret: string; token: string; hash: string } {
  const identifier = randomString(16);
  const secret = randomString(32);
  const prefix = type === 'client' ? API_KEY_PREFIX : APPLICATION_KEY_PREFIX;
  return { identifier, secret, token: `${prefix}${identifier}${secret}`, hash: sha256(secret) };
}

export function parseApiKey(token: string): { identifier: string; secret: string; type: ApiKeyType } | null {
  const m = /^(ptlc|ptla)_([A-Za-z0-9]{16})([A-Za-z0-9]{32})$/.exec(token);
  return m ? { identifier: m[2] as string, secret: m[3] as string, type: m[1] === 'ptla' ? 'application' : 'client' } : null;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
