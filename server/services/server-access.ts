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

/**
 * The actor's access to a server by uuid or short id. Non-members get 404 (no existence leak); a suspended server
 * gives 409 to everyone but root admins.
 */
export async function resolveServerAccess(db: Executor, user: UserRow, ref: string): Promise<ServerAccess> {
  if (!/^[0-9a-f]{8}(-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$/i.test(ref)) throw notFound();
  const found = await findServerWithMembership(db, ref.toLowerCase(), user.id);
  if (!found) throw notFound();
  const access = accessFrom(user, found.server, found.subuser);
  if (!access) throw notFound();
  if (found.server.suspended && !user.rootAdmin) {
    throw httpError(409, ERROR_CODES.suspended, 'This server is currently suspended and the functionality requested is unavailable.');
  }
  return access;
}
