import type { Request } from 'express';
import ipaddr from 'ipaddr.js';
import { findApiKeyPrincipal, findSessionPrincipal, type AllocationScope, type Principal } from '@db/repositories/principal';
import type { AllocationScopeHints } from '../services/network/list-allocations';
import { touchApiKey } from '@db/repositories/api-keys';
import { findServerWithMembership } from '@db/repositories/servers';
import { findUserById } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../context';
import { forbidden, unauthenticated } from '../http/errors';
import type { Actor } from '../http/types';
import { parseApiKey, sameHash, sha256, type ApiKeyType } from './api-key-token';
import { checkCsrf } from './csrf';
import { CachingSessionStore } from './session';
import { linkExternalAccount } from '../services/identity/link-account';

/** The sign-in refusal of a suspended account (DESIGN §21: "your account has been suspended"). */
export const SUSPENDED_MESSAGE = 'Your account has been suspended.';
const TOUCH_EVERY_MS = 60_000;

export interface Authenticated {
  readonly actor: Actor;
  /** The user's membership of the server named in the path (`serverRef`), read in the same round trip. */
  readonly principal: Principal;
  /** With `allocations`: the caller-and-server key under which to remember the scope this read needed. */
  readonly allocationHint?: string;
}

/**
 * Resolves the actor of a request — a Bearer API key (no cookie, no CSRF) or the session cookie (CSRF on writes) —
 * together with the named server's membership, in one database round trip. The user row is read fresh every time, so
 * suspension, a password change (session epoch) or a logout elsewhere (session row gone) act at the next request.
 */
export async function authenticate(
  app: AppContext, req: Request, opts: {
    allowApiKey: boolean; serverRef?: string | null; keyType?: ApiKeyType;
    /** For a route showing the server's allocations: the hints that choose how many of them the read joins. */
    allocations?: AllocationScopeHints;
  },
): Promise<Authenticated> {
  const ip = req.ip ?? '';
  const userAgent = (req.get('user-agent') ?? '').slice(0, 500);
  const serverRef = opts.serverRef ?? null;
  const header = req.get('authorization');
  const bearer = header?.startsWith('Bearer ') === true;
  // With a host identity adapter (DESIGN §23), a Bearer that is not a `ptlc_` key is the adapter's (a host JWT).
  if (bearer && (!app.identity || header!.slice(7).trim().startsWith('ptlc_'))) {
    if (!opts.allowApiKey) throw forbidden('This action requires a session; API keys cannot perform it.');
    const parsed = parseApiKey(header.slice(7).trim());
    // A client key (`ptlc_`) serves only the client API, an application key (`ptla_`) only the admin API.
    const keyType = opts.keyType ?? 'client';
    if (!parsed || parsed.type !== keyType) throw unauthenticated();
    const hint = opts.allocations && serverRef ? `k:${parsed.identifier}\n${serverRef}` : undefined;
    const found = await findApiKeyPrincipal(app.db, parsed.identifier, serverRef, hint ? opts.allocations!.scopeFor(hint) : false);
    if (!found || found.key.keyType !== keyType || !sameHash(found.key.tokenHash, sha256(parsed.secret))) throw unauthenticated();
    const now = app.clock.now();
    if (found.key.expiresAt && found.key.expiresAt <= now) throw unauthenticated('This API key has expired.');
    if (found.user.suspended) throw unauthenticated(SUSPENDED_MESSAGE);
    if (found.user.status !== 'active') throw unauthenticated();
    if (found.key.allowedIps.length > 0 && !ipAllowed(ip, found.key.allowedIps)) {
      throw forbidden('This IP address is not allowed to use this API key.');
    }
    if (!found.key.lastUsedAt || now.getTime() - found.key.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
      await touchApiKey(app.db, found.key.id, now);
    }
    return { actor: { user: found.user, apiKey: found.key, ip, userAgent }, principal: found, ...(hint ? { allocationHint: hint } : {}) };
  }

  if (app.identity) {
    const identity = await app.identity.resolveActor(req);
    if (identity) {
      if (!opts.allowApiKey && bearer) throw forbidden('This action requires a session; API keys cannot perform it.');
      const user = await linkExternalAccount(app, identity, { ip, userAgent, via: app.identity.kind });
      if (user.suspended) throw unauthenticated(SUSPENDED_MESSAGE);
      const found = serverRef ? await findServerWithMembership(app.db, serverRef, user.id) : null;
      // No CSRF check: the request carries no Cohost cookie; the host's proxy or token is the credential.
      return { actor: { user, apiKey: null, ip, userAgent }, principal: { user, server: found?.server ?? null, subuser: found?.subuser ?? null } };
    }
  }

  const hint = opts.allocations && serverRef && req.sessionID ? `s:${req.sessionID}\n${serverRef}` : undefined;
  const scope = hint ? opts.allocations!.scopeFor(hint) : false;
  let principal = await sessionPrincipal(app, req, serverRef, scope);
  if (!principal) {
    // The cached session may be stale (re-stamped or ended on another instance): read it once from the database.
    if (req.sessionStore instanceof CachingSessionStore && req.session) {
      req.sessionStore.forget(req.sessionID);
      await new Promise<void>((resolve) => req.session.reload(() => resolve()));
      principal = await sessionPrincipal(app, req, serverRef, scope);
    }
    if (!principal) {
      if (req.session?.auth) delete req.session.auth;
      throw unauthenticated();
    }
  }
  if (principal.user.suspended) throw unauthenticated(SUSPENDED_MESSAGE);
  checkCsrf(req);
  const impersonator = await impersonatorOf(app, req);
  return { actor: { user: principal.user, apiKey: null, ip, userAgent, impersonator }, principal, ...(hint ? { allocationHint: hint } : {}) };
}

/**
 * The admin behind an impersonating session, read fresh: one who was suspended, deleted, demoted or signed out
 * everywhere (epoch bump) since ends the impersonated session too.
 */
async function impersonatorOf(app: AppContext, req: Request): Promise<UserRow | null> {
  const by = req.session?.auth?.impersonator;
  if (!by) return null;
  const admin = await findUserById(app.db, by.userId);
  if (!admin || admin.status !== 'active' || admin.suspended || !admin.rootAdmin || admin.sessionEpoch !== by.epoch) {
    delete req.session.auth;
    throw unauthenticated();
  }
  return admin;
}

async function sessionPrincipal(app: AppContext, req: Request, serverRef: string | null, withAllocations: AllocationScope | false): Promise<Principal | null> {
  const auth = req.session?.auth;
  if (!auth) return null;
  const now = Math.floor(app.clock.now().getTime() / 1000);
  const principal = await findSessionPrincipal(app.db, req.sessionID, auth.userId, serverRef, now, withAllocations);
  if (!principal || principal.user.sessionEpoch !== auth.epoch || principal.user.status !== 'active') return null;
  return principal;
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
