import { createHash } from 'node:crypto';
import type { SubuserRow } from '@db/schema/servers';
import type { UserRow } from '@db/schema/users';
import type { RoleRef } from '../roles/role-refs';

/** Gravatar of the lower-cased email, as Pterodactyl's `image`. */
export function gravatar(email: string): string {
  return `https://gravatar.com/avatar/${createHash('md5').update(email.trim().toLowerCase()).digest('hex')}`;
}

/** The name to show: the username, or the email's local part while the invite is pending. */
export function displayName(user: Pick<UserRow, 'username' | 'email'>): string {
  return user.username ?? user.email.split('@')[0] ?? user.email;
}

/**
 * Pterodactyl's `server_subuser` item plus Cohost's `status`, `invite_expires_at`, and (DESIGN §20) the `role` the
 * row is linked to (null = explicit keys) with its per-server `overrides`; `permissions` is always the effective list.
 */
export function subuserItem(subuser: SubuserRow, user: UserRow, role: RoleRef | null = null) {
  return {
    object: 'server_subuser' as const,
    attributes: {
      uuid: user.uuid,
      username: displayName(user),
      email: user.email,
      image: gravatar(user.email),
      '2fa_enabled': user.totpEnabled,
      created_at: subuser.createdAt.toISOString(),
      permissions: [...subuser.permissions],
      status: subuser.status,
      invite_expires_at: subuser.status === 'invited' ? subuser.inviteExpiresAt?.toISOString() ?? null : null,
      role,
      overrides: role ? subuser.overrides ?? { add: [], remove: [] } : null,
      file_scope: subuser.fileScope ? { paths: [...subuser.fileScope.paths] } : null,
    },
  };
}
