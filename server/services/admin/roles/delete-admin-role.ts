import { deleteAdminRole, findAdminRole, holdersOfRole } from '@db/repositories/admin-roles';
import type { AppContext } from '../../../context';
import { forbidden, notFound } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { logAdminAction } from '../audit';
import { expand, requireHeld } from '../grant-check';

/** Deletes a role (its holders lose it): never the reserved super-admin; only with every key it grants. */
export async function deleteAdminRoleById(app: AppContext, actor: Actor, id: number): Promise<void> {
  await app.db.transaction(async (tx) => {
    const role = await findAdminRole(tx, id);
    if (!role) throw notFound();
    if (role.reserved) throw forbidden('The super-admin role is reserved and cannot be deleted.');
    requireHeld(actor, expand(role.permissions));
    const holders = await holdersOfRole(tx, id);
    await deleteAdminRole(tx, id);
    await logAdminAction(tx, app.clock, actor, 'role.delete', {
      role: role.name, old: { description: role.description, permissions: role.permissions }, holders: holders.map((u) => u.uuid),
    });
  });
}
