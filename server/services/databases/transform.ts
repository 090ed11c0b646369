import { hasPermission } from '@contracts/permissions';
import type { DatabaseWithHost } from '@db/repositories/databases';
import type { ServerAccess } from '../../http/types';
import { openDatabasePassword } from './secrets';

export const canViewPassword = (access: ServerAccess) => hasPermission(access.permissions, 'database.view_password');

/**
 * Pterodactyl's DatabaseTransformer: `server_database` with `relationships.password` — the password itself only for
 * holders of database.view_password (when asked for), otherwise a null_resource.
 */
export function serverDatabaseItem(appKey: string, row: DatabaseWithHost, showPassword: boolean) {
  const { database, host } = row;
  const password = showPassword ? openDatabasePassword(appKey, database.password) : null;
  return {
    object: 'server_database',
    attributes: {
      id: database.identifier,
      host: { address: host.host, port: host.port },
      name: database.database,
      username: database.username,
      connections_from: database.remote,
      max_connections: database.maxConnections,
      relationships: {
        password: password !== null
          ? { object: 'database_password', attributes: { password } }
          : { object: 'null_resource', attributes: null },
      },
    },
  };
}
