import { findAdminRoleByName, insertAdminRole } from '@db/repositories/admin-roles';
import type { AdminRoleRow } from '@db/schema/admin';
import type { AppContext } from '../../../context';
import { conflict } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { logAdminAction } from '../audit';
import { expand, requireHeld } from '../grant-check';
import type { RoleInput } from './role-input';

/** Creates an admin role: only with keys the actor holds; names are unique. */
export async function createAdminRole(app: AppContext, actor: Actor, input: RoleInput): Promise<AdminRoleRow> {
  requireHeld(actor, expand(input.permissions));
  return app.db.transaction(async (tx) => {
    if (await findAdminRoleByName(tx, input.name)) throw conflict('An admin role with that name already exists.', { source_field: 'name' });
    const now = app.clock.now();
    const role = await insertAdminRole(tx, { ...input, permissions: [...new Set(input.permissions)].sort(), reserved: false, createdAt: now, updatedAt: now });
    await logAdminAction(tx, app.clock, actor, 'role.create', { role: role.name, new: { description: role.description, permissions: role.permissions } });
    return role;
  });
}
