import type { Request } from 'express';
import ipaddr from 'ipaddr.js';
import { findApiKeyWithUser, touchApiKey } from '@db/repositories/api-keys';
import { findUserById } from '@db/repositories/users';
import type { AppContext } from '../context';
import { forbidden, unauthenticated } from '../http/errors';
import type { Actor } from '../http/types';
import { parseApiKey, sameHash, sha256 } from './api-key-token';
import { checkCsrf } from './csrf';

export const SUSPENDED_MESSAGE = 'This account has been suspended.';
const TOUCH_EVERY_MS = 60_000;

/**
 * Resolves the actor of a request: a Bearer API key (no cookie, no CSRF) or the session cookie (CSRF on writes).
 * The user is read fresh on every request, so suspension and password changes act at once.
 */
export async function authenticate(app: AppContext, req: Request, opts: { allowApiKey: boolean }): Promise<Actor> {
  const ip = req.ip ?? '';
  const userAgent = (req.get('user-agent') ?? '').slice(0, 500);
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) {
    if (!opts.allowApiKey) throw forbidden('This action requires a session; API keys cannot perform it.');
    const parsed = parseApiKey(header.slice(7).trim());
    if (!parsed) throw unauthenticated();
    const found = await findApiKeyWithUser(app.db, parsed.identifier);
    if (!found || found.user.status !== 'active' || !sameHash(found.key.tokenHash, sha256(parsed.secret))) throw unauthenticated();
    const now = app.clock.now();
    if (found.key.expiresAt && found.key.expiresAt <= now) throw unauthenticated('This API key has expired.');
    if (found.user.suspended) throw unauthenticated(SUSPENDED_MESSAGE);
    if (found.key.allowedIps.length > 0 && !ipAllowed(ip, found.key.allowedIps)) {
      throw forbidden('This IP address is not allowed to use this API key.');
    }
    if (!found.key.lastUsedAt || now.getTime() - found.key.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await touchApiKey(app.db, found.key.id, now);
    }
    return { user: found.user, apiKey: found.key, ip, userAgent };
  }

  const auth = req.session?.auth;
  if (!auth) throw unauthenticated();
  const user = await findUserById(app.db, auth.userId);
  if (!user || user.sessionEpoch !== auth.epoch || user.status !== 'active') {
    delete req.session.auth;
    throw unauthenticated();
  }
  if (user.suspended) throw unauthenticated(SUSPENDED_MESSAGE);
  checkCsrf(req);
  return { user, apiKey: null, ip, userAgent };
}

export function ipAllowed(ip: string, allowed: readonly string[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.process(ip);
  } catch {
    return false;
  }
  return allowed.some((entry) => {
    try {
      const [range, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.process(entry), -1];
      if (range.kind() !== addr.kind()) return false;
      return bits === -1 ? range.toString() === addr.toString() : addr.match([range, bits] as never);
    } catch {
      return false;
    }
  });
}
