import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { unauthenticated } from '../http/errors';
import { ipAllowed } from '../auth/authenticate';
import type { ExternalIdentity, IdentityAdapter } from './identity';

export interface TrustedHeaderOptions {
  /** The secret the proxy sends in `X-Cohost-Proxy-Secret` (at least 32 characters). */
  readonly secret: string;
  /** Addresses or CIDR ranges the proxy connects from; the socket's own peer address is checked, never X-Forwarded-For. */
  readonly allowFrom: readonly string[];
}

/** The headers a trusted proxy sets (lower case, as Node reads them). */
export const TRUSTED_HEADERS = {
  secret: 'x-cohost-proxy-secret',
  id: 'x-cohost-user-id',
  email: 'x-cohost-user-email',
  name: 'x-cohost-user-name',
  admin: 'x-cohost-user-admin',
} as const;

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A reverse proxy in front of Cohost has signed the person in and names them in headers. The request must come from
 * an allowed address AND carry the shared secret; a request that names a user without both is refused (401), so a
 * client that reaches Cohost directly cannot claim to be anyone.
 */
export function trustedHeaderIdentity(options: TrustedHeaderOptions): IdentityAdapter {
  if (options.secret.length < 32) throw new Error('trustedHeaderIdentity: the shared secret must be at least 32 characters');
  if (options.allowFrom.length === 0) throw new Error('trustedHeaderIdentity: allowFrom must name the proxy\'s addresses');
  const expected = digest(options.secret);
  return {
    kind: 'trusted-header',
    async resolveActor(req: Request): Promise<ExternalIdentity | null> {
      const id = req.get(TRUSTED_HEADERS.id);
      if (id === undefined) return null;
      const peer = req.socket.remoteAddress ?? '';
      if (!ipAllowed(peer, options.allowFrom)) throw unauthenticated('This address may not send identity headers.');
      const secret = req.get(TRUSTED_HEADERS.secret) ?? '';
      if (!timingSafeEqual(digest(secret), expected)) throw unauthenticated('The proxy secret is missing or wrong.');
      const admin = (req.get(TRUSTED_HEADERS.admin) ?? '').toLowerCase();
      return {
        externalId: id,
        email: req.get(TRUSTED_HEADERS.email) ?? '',
        name: decodeName(req.get(TRUSTED_HEADERS.name)),
        isAdmin: admin === '1' || admin === 'true',
      };
    },
  };
}

/** Header values are Latin-1 on the wire: a proxy sends a non-ASCII name percent-encoded. */
function decodeName(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
