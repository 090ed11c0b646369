import type { AccessLookup, LiveAccess } from '@bridge/access';
import { findServerWithMembership } from '@db/repositories/servers';
import { findUserByUuid } from '@db/repositories/users';
import type { Executor } from '@db/client';
import { accessFrom } from './server-access';

/**
 * The AccessLookup the SFTP server (and anything else outside the HTTP router) uses: the same rules as the router's
 * `resolveServerAccess`, read fresh from the database, answering null where the router would answer 404 or 409.
 */
export function databaseAccessLookup(db: Executor): AccessLookup {
  return {
    async resolve(userUuid: string, serverUuid: string): Promise<LiveAccess | null> {
      const user = await findUserByUuid(db, userUuid);
      if (!user || user.status !== 'active' || user.suspended) return null;
      const found = await findServerWithMembership(db, serverUuid, user.id);
      if (!found) return null;
      if (found.server.suspended && !user.rootAdmin) return null;
      const access = accessFrom(user, found.server, found.subuser);
      if (!access) return null;
      return { userUuid, serverUuid: found.server.uuid, isOwner: access.isOwner, isAdmin: access.isAdmin, permissions: access.grants };
    },
  };
}
