import { unionOfRoles, type AdminPermission } from '@contracts/admin-permissions';
import { rolesOfUser } from '@db/repositories/admin-roles';
import type { Executor } from '@db/client';
import type { PrincipalKey, PrincipalUser } from '@db/repositories/principal';

/**
 * A user's effective admin permissions (DESIGN §21), read fresh on every admin request: the union of their roles'
 * grants. Nothing without the admin flag (`root_admin`), nothing while suspended or deleted, nothing with no roles.
 * An application key acts with the intersection of that and the key's own list (null = all of its owner's).
 */
export async function adminPermissionsOf(db: Executor, user: PrincipalUser, apiKey: PrincipalKey | null = null): Promise<AdminPermission[]> {
  if (!user.rootAdmin || user.suspended || user.status !== 'active') return [];
  const held = unionOfRoles(await rolesOfUser(db, user.id));
  const scope = apiKey?.adminPermissions;
  return scope ? held.filter((k) => scope.includes(k)) : held;
}
