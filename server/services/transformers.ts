import type { PrincipalUser } from '@db/repositories/principal';
import type { ServerRow } from '@db/schema/servers';
import type { ServerAccess } from '../http/types';

/** Pterodactyl's `user` item for the signed-in account. */
export function userItem(user: PrincipalUser) {
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
/** `invocation` is the rendered startup command (services/startup/invocation.ts); raw when not given. */
export function serverItem(server: ServerRow, isOwner: boolean, invocation = server.startupCommand) {
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
      invocation,
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

/**
 * The single view: `invocation` as for serverItem; `relationships` (Pterodactyl's includes, e.g. `allocations`) go
 * inside the attributes.
 */
export function serverView(access: ServerAccess, invocation?: string, relationships: Record<string, unknown> = {}) {
  const item = serverItem(access.server, access.isOwner, invocation);
  return {
    ...item,
    attributes: { ...item.attributes, relationships },
    meta: { is_server_owner: access.isOwner, user_permissions: access.grants },
  };
}
