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

export function mintApiKey(): { identifier: string; secret: string; token: string; hash: string } {
  const identifier = randomString(16);
  const secret = randomString(32);
  return { identifier, secret, token: `${API_KEY_PREFIX}${identifier}${secret}`, hash: sha256(secret) };
}

export function parseApiKey(token: string): { identifier: string; secret: string } | null {
  const m = /^ptlc_([A-Za-z0-9]{16})([A-Za-z0-9]{32})$/.exec(token);
  return m ? { identifier: m[1] as string, secret: m[2] as string } : null;
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
