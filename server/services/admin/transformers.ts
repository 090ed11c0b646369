import type { AdminRoleRow } from '@db/schema/admin';
import type { ApiKeyRow } from '@db/schema/credentials';
import type { ServerRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';

/** Pterodactyl's application `user` item (UserTransformer), plus Cohost's admin fields. */
export function applicationUserItem(user: UserRow, roles: readonly string[] = []) {
  return {
    object: 'user' as const,
    attributes: {
      id: user.id,
      external_id: null,
      uuid: user.uuid,
      username: user.username,
      email: user.email,
      first_name: user.username ?? '',
      last_name: '',
      language: 'en',
      root_admin: user.rootAdmin,
      '2fa': user.totpEnabled || user.passkeyCount > 0,
      created_at: user.createdAt.toISOString(),
      updated_at: user.updatedAt.toISOString(),
      suspended: user.suspended,
      status: user.status,
      require_two_factor: user.requireTwoFactor,
      deleted_at: user.deletedAt?.toISOString() ?? null,
      roles: [...roles],
    },
  };
}

/** Pterodactyl's application `server` item (ServerTransformer): the fields Cohost has, the rest at their defaults. */
export function applicationServerItem(server: ServerRow) {
  return {
    object: 'server' as const,
    attributes: {
      id: server.id,
      external_id: null,
      uuid: server.uuid,
      identifier: server.identifier,
      name: server.name,
      description: server.description ?? '',
      status: server.status,
      suspended: server.suspended,
      limits: { memory: server.memory ?? 0, swap: 0, disk: server.disk ?? 0, io: 500, cpu: 0, threads: null, oom_disabled: true },
      feature_limits: {
        databases: server.databaseLimit, allocations: server.allocationLimit, backups: server.backupLimit,
        schedules: server.scheduleLimit, proxies: server.proxyLimit,
      },
      user: server.ownerId,
      node: server.nodeId,
      allocation: null,
      nest: null,
      egg: null,
      container: { startup_command: server.startupCommand, image: null, installed: server.status === 'installing' ? 0 : 1, environment: {} },
      updated_at: server.updatedAt.toISOString(),
      created_at: server.createdAt.toISOString(),
    },
  };
}

export function adminRoleItem(role: AdminRoleRow, holders?: number) {
  return {
    object: 'admin_role' as const,
    attributes: {
      id: role.id, name: role.name, description: role.description, permissions: role.permissions, reserved: role.reserved,
      ...(holders === undefined ? {} : { holders }),
      created_at: role.createdAt.toISOString(), updated_at: role.updatedAt.toISOString(),
    },
  };
}

export function applicationKeyItem(key: ApiKeyRow) {
  return {
    object: 'api_key' as const,
    attributes: {
      identifier: key.identifier, description: key.memo, allowed_ips: key.allowedIps, permissions: key.adminPermissions,
      last_used_at: key.lastUsedAt?.toISOString() ?? null, expires_at: key.expiresAt?.toISOString() ?? null,
      created_at: key.createdAt.toISOString(),
    },
  };
}

/** Pterodactyl's paginated list. */
export function paginated<T>(data: readonly T[], total: number, page: number, perPage: number) {
  return {
    object: 'list' as const,
    data,
    meta: { pagination: { total, count: data.length, per_page: perPage, current_page: page, total_pages: Math.max(1, Math.ceil(total / perPage)), links: {} } },
  };
}
