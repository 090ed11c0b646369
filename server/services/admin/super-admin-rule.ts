import { SUPER_ADMIN_ROLE } from '@contracts/admin-permissions';
import { countActiveHolders, lockAdminRoleByName, rolesOfUser } from '@db/repositories/admin-roles';
import type { Executor } from '@db/client';
import type { UserRow } from '@db/schema/users';
import { httpError } from '../../http/errors';

/**
 * The last super-admin rule (DESIGN §21): a change that would take `user` out of the active super-admins (losing the
 * role, the admin flag, being suspended or deleted) is refused when nobody else would be left. The role row is locked
 * first, so two such changes racing each other cannot both pass. Call inside the change's transaction.
 */
export async function keepOneSuperAdmin(tx: Executor, user: UserRow): Promise<void> {
  const role = await lockAdminRoleByName(tx, SUPER_ADMIN_ROLE);
  if (!role) return;
  const holds = (await rolesOfUser(tx, user.id)).some((r) => r.id === role.id);
  if (!holds || !user.rootAdmin || user.suspended || user.status !== 'active') return;
  if ((await countActiveHolders(tx, role.id, user.id)) === 0) {
    throw httpError(409, 'LastSuperAdminException',
      'This is the last active super-admin: assign the super-admin role to another admin first.', { user: user.uuid });
  }
}
