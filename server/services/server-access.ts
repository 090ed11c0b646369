import { effectiveGrants } from '@contracts/access';
import { compile } from '@contracts/permissions';
import { findServerWithMembership } from '@db/repositories/servers';
import type { ServerRow, SubuserRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { Executor } from '@db/client';
import { ERROR_CODES } from '@contracts/errors';
import { httpError, notFound } from '../http/errors';
import type { ServerAccess } from '../http/types';

export { effectiveGrants };

export function accessFrom(user: UserRow, server: ServerRow, subuser: SubuserRow | null): ServerAccess | null {
  const grants = effectiveGrants(user, server, subuser);
  if (!grants) return null;
  return {
    server,
    isOwner: server.ownerId === user.id,
    isAdmin: user.rootAdmin,
    subuser: subuser && subuser.status === 'active' ? subuser : null,
    grants,
    permissions: compile(grants),
  };
}

/** A server reference as it may appear in a path (uuid or 8-character identifier), normalised; null if malformed. */
export function normaliseServerRef(ref: string): string | null {
  return /^[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i.test(ref) ? ref.toLowerCase() : null;
}

/**
 * Judges a membership already read: non-members (and unknown servers) get 404, never 403 (no existence leak); a
 * suspended server gives 409 to everyone but root admins.
 */
export function judgeAccess(user: UserRow, server: ServerRow | null, subuser: SubuserRow | null): ServerAccess {
  const access = server ? accessFrom(user, server, subuser) : null;
  if (!server || !access) throw notFound();
  if (server.suspended && !user.rootAdmin) {
    throw httpError(409, ERROR_CODES.suspended, 'This server is currently suspended and the functionality requested is unavailable.');
  }
  return access;
}

/** The actor's access to a server by uuid or short id (for callers outside the request guard). */
export async function resolveServerAccess(db: Executor, user: UserRow, ref: string): Promise<ServerAccess> {
  const normalised = normaliseServerRef(ref);
  if (!normalised) throw notFound();
  const found = await findServerWithMembership(db, normalised, user.id);
  return judgeAccess(user, found?.server ?? null, found?.subuser ?? null);
}
