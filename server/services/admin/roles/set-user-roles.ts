import { SUPER_ADMIN_ROLE } from '@contracts/admin-permissions';
import { findAdminRole, rolesOfUser, setRolesOfUser } from '@db/repositories/admin-roles';
import { lockUser } from '@db/repositories/users';
import type { AdminRoleRow } from '@db/schema/admin';
import type { AppContext } from '../../../context';
import { notFound, validationError } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { logAdminAction } from '../audit';
import { expand, requireHeld } from '../grant-check';
import { keepOneSuperAdmin } from '../super-admin-rule';

/**
 * Replaces a staff admin's roles. The roles added or removed must grant only keys the actor holds (so only a
 * super-admin hands out or takes away super-admin); the last active super-admin keeps the role.
 */
export async function setUserRoles(app: AppContext, actor: Actor, userId: number, roleIds: readonly number[]): Promise<AdminRoleRow[]> {
  return app.db.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (!user || user.status === 'deleted') throw notFound();
    const wanted: AdminRoleRow[] = [];
    for (const id of new Set(roleIds)) {
      const role = await findAdminRole(tx, id);
      if (!role) throw validationError('roles', `No admin role exists with the id ${id}.`, 'exists');
      wanted.push(role);
    }
    if (wanted.length && !user.rootAdmin) throw validationError('roles', 'Only an admin (is_admin on) can hold admin roles.', 'admin');
    const current = await rolesOfUser(tx, user.id);
    const added = wanted.filter((r) => !current.some((c) => c.id === r.id));
    const removed = current.filter((c) => !wanted.some((r) => r.id === c.id));
    requireHeld(actor, [...added, ...removed].flatMap((r) => expand(r.permissions)));
    if (removed.some((r) => r.name === SUPER_ADMIN_ROLE)) await keepOneSuperAdmin(tx, user);
    await setRolesOfUser(tx, user.id, wanted.map((r) => r.id), app.clock.now());
    if (added.length || removed.length) {
      await logAdminAction(tx, app.clock, actor, 'user.roles', {
        user: user.uuid, email: user.email,
        old: { roles: current.map((r) => r.name).sort() }, new: { roles: wanted.map((r) => r.name).sort() },
      });
    }
    return wanted;
  });
}
