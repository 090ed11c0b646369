import type { SftpAuthenticator } from '@bridge/sftp/types';
import { findServerByRef } from '@db/repositories/servers';
import { findUserByUuid } from '@db/repositories/users';
import { findUserByUsername, listPublicKeysOfUser } from '@db/repositories/sftp';
import type { Executor } from '@db/client';
import { verifyPassword } from '../auth/passwords';

/** The panel's side of SFTP login: accounts by username, passwords by argon2, keys from `ssh_keys`. */
export function databaseSftpAuthenticator(db: Executor): SftpAuthenticator {
  return {
    async find(username, shortId) {
      const [user, server] = await Promise.all([findUserByUsername(db, username), findServerByRef(db, shortId)]);
      if (!user || !server || user.status !== 'active' || user.suspended) return null;
      return { userUuid: user.uuid, serverUuid: server.uuid, publicKeys: await listPublicKeysOfUser(db, user.id) };
    },
    async verifyPassword(userUuid, password) {
      const user = await findUserByUuid(db, userUuid);
      return verifyPassword(user?.password ?? null, password);
    },
  };
}
