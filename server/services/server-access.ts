import { effectiveGrants } from '@contracts/access';
import { compile } from '@contracts/permissions';
import { findServerWithMembership } from '@db/repositories/servers';
import { SERVER_TRANSIENT_STATES, type ServerRow, type ServerStatus } from '@db/schema/servers';
import type { PrincipalSubuser, PrincipalUser } from '@db/repositories/principal';
import type { Executor } from '@db/client';
import { ERROR_CODES } from '@contracts/errors';
import { twoFactorBlock } from '@contracts/two-factor';
import { twoFactorRequired } from './passkeys/two-factor-required';
import { httpError, notFound } from '../http/errors';
import { BoundedMap } from '../shared/bounded-map';
import type { ServerAccess } from '../http/types';

export { effectiveGrants };

/**
 * Compiled sets are immutable, so one is shared by every request holding the same grant list (bounded: the oldest
 * goes first). Saves expanding the catalogue on every guarded request.
 */
const compiledByGrants = new BoundedMap<string, ReturnType<typeof compile>>(1000);
function compiledFor(grants: readonly string[]): ReturnType<typeof compile> {
  const key = grants.join('\n');
  let hit = compiledByGrants.get(key);
  if (!hit) {
    hit = compile(grants);
    compiledByGrants.set(key, hit);
  }
  return hit;
}

export function accessFrom(user: PrincipalUser, server: ServerRow, subuser: PrincipalSubuser | null): ServerAccess | null {
  const grants = effectiveGrants(user, server, subuser);
  if (!grants) return null;
  return {
    server,
    isOwner: server.ownerId === user.id,
    isAdmin: user.rootAdmin,
    subuser: subuser && subuser.status === 'active' ? subuser : null,
    grants,
    permissions: compiledFor(grants),
  };
}

/** A server reference as it may appear in a path (uuid or 8-character identifier), normalised; null if malformed. */
export function normaliseServerRef(ref: string): string | null {
  return /^[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i.test(ref) ? ref.toLowerCase() : null;
}

const TRANSIENT_DETAIL: Partial<Record<ServerStatus, string>> = {
  installing: 'This server has not yet completed its installation process, please try again later.',
  restoring_backup: 'This server is currently restoring from a backup, please try again later.',
  migrating: 'This server is currently receiving a migration, please try again later.',
};

/** Whether the server is in a state that refuses its client routes (DESIGN §12). */
export function isTransient(server: ServerRow): boolean {
  return server.status !== null && SERVER_TRANSIENT_STATES.includes(server.status);
}

/** The 409 a server in a transient state answers with. */
export function transientConflict(server: ServerRow) {
  const detail = (server.status && TRANSIENT_DETAIL[server.status]) ?? 'This server is currently in an unsupported state, please try again later.';
  return httpError(409, ERROR_CODES.suspended, detail, { status: server.status });
}

/**
 * Judges a membership already read: non-members (and unknown servers) get 404, never 403 (no existence leak); a
 * suspended server gives 409 to everyone but root admins; so does a server in a transient state (installing,
 * restoring a backup, migrating), unless the route only reads the server's own status (`duringTransient`); a
 * member bound by a two-factor policy without a second factor gets 403 TwoFactorRequired (DESIGN §22).
 */
export function judgeAccess(
  user: PrincipalUser, server: ServerRow | null, subuser: PrincipalSubuser | null, options: { duringTransient?: boolean } = {},
): ServerAccess {
  const access = server ? accessFrom(user, server, subuser) : null;
  if (!server || !access) throw notFound();
  if (server.suspended && !user.rootAdmin) {
    throw httpError(409, ERROR_CODES.suspended, 'This server is currently suspended and the functionality requested is unavailable.');
  }
  if (!options.duringTransient && !user.rootAdmin && isTransient(server)) throw transientConflict(server);
  const block = twoFactorBlock(user, server);
  if (block) throw twoFactorRequired(block);
  return access;
}

/** The actor's access to a server by uuid or short id (for callers outside the request guard). */
export async function resolveServerAccess(db: Executor, user: PrincipalUser, ref: string): Promise<ServerAccess> {
  const normalised = normaliseServerRef(ref);
  if (!normalised) throw notFound();
  const found = await findServerWithMembership(db, normalised, user.id);
  return judgeAccess(user, found?.server ?? null, found?.subuser ?? null);
}
