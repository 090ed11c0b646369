import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../../config';

/** A single-use invite token: 32 random bytes, mailed in the link, stored only as its sha256. */
export function mintInviteToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashInviteToken(token) };
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function appBaseUrl(config: Pick<Config, 'APP_URL' | 'PORT'>): string {
  return (config.APP_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
}

export function inviteLink(config: Pick<Config, 'APP_URL' | 'PORT'>, token: string): string {
  return `${appBaseUrl(config)}/invite/${token}`;
}

export function inviteExpiry(now: Date, ttlHours: number): Date {
  return new Date(now.getTime() + ttlHours * 3600_000);
}
