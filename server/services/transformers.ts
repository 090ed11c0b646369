import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { ServerAccess } from '../http/types';

/** Pterodactyl's `user` item for the signed-in account. */
export function userItem(user: UserRow) {
  return {
    object: 'user' as const,
    attributes: {
      id: user.id,
      uuid: user.uuid,
      username: user.username,
      email: user.email,
      language: 'en',
      root_admin: user.rootAdmin,
      admin: user.rootAdmin,
      '2fa_enabled': user.totpEnabled,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
    },
  };
}

/** Pterodactyl's `server` item (client API), with Cohost's owner and permission meta on the single view. */
export function serverItem(server: ServerRow, isOwner: boolean) {
  return {
    object: 'server' as const,
    attributes: {
      server_owner: isOwner,
      identifier: server.identifier,
      internal_id: server.id,
      uuid: server.uuid,
      name: server.name,
      node: 'local',
      description: server.description ?? '',
      status: server.suspended ? 'suspended' : server.status,
      is_suspended: server.suspended,
      is_installing: server.status === 'installing',
      is_transferring: false,
      invocation: server.startupCommand,
      /** The owner requires 2FA of the server's subusers (DESIGN §22). */
      require_2fa: server.requireTwoFactor,
      feature_limits: {
        databases: server.databaseLimit, allocations: server.allocationLimit, backups: server.backupLimit,
        schedules: server.scheduleLimit, proxies: server.proxyLimit,
      },
      created_at: server.createdAt.toISOString(),
    },
  };
}

export function serverView(access: ServerAccess) {
  return {
    ...serverItem(access.server, access.isOwner),
    meta: { is_server_owner: access.isOwner, user_permissions: access.grants },
  };
}
