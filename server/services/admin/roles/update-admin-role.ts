import { findAdminRole, findAdminRoleByName, updateAdminRole } from '@db/repositories/admin-roles';
import type { AdminRoleRow } from '@db/schema/admin';
import type { AppContext } from '../../../context';
import { conflict, forbidden, notFound } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { diff, logAdminAction } from '../audit';
import { expand, requireHeld } from '../grant-check';
import type { RoleInput } from './role-input';

/** Edits a role: the reserved super-admin never; every key added or removed must be held by the actor. */
export async function updateAdminRoleById(app: AppContext, actor: Actor, id: number, input: RoleInput): Promise<AdminRoleRow> {
  return app.db.transaction(async (tx) => {
    const role = await findAdminRole(tx, id);
    if (!role) throw notFound();
    if (role.reserved) throw forbidden('The super-admin role is reserved and cannot be edited.');
    const before = new Set(expand(role.permissions));
    const after = new Set(expand(input.permissions));
    requireHeld(actor, [...before].filter((k) => !after.has(k)).concat([...after].filter((k) => !before.has(k))));
    const other = await findAdminRoleByName(tx, input.name);
    if (other && other.id !== id) throw conflict('An admin role with that name already exists.', { source_field: 'name' });
    const next = { name: input.name, description: input.description, permissions: [...new Set(input.permissions)].sort() };
    await updateAdminRole(tx, id, { ...next, updatedAt: app.clock.now() });
    const change = diff({ name: role.name, description: role.description, permissions: role.permissions }, next);
    if (change) await logAdminAction(tx, app.clock, actor, 'role.update', { role: next.name, ...change });
    return { ...role, ...next };
  });
}
