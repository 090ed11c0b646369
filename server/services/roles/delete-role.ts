import { deleteRoleRow, listLinkedSubusers, setSubuserRoleLink } from '@db/repositories/roles';
import type { AppContext } from '../../context';
import type { Actor } from '../../http/types';
import { logActivity } from '../activity';
import { onlyRoleOwner } from './errors';
import { visibleRole } from './resolve-role';

/**
 * Deletes a role. Its subusers keep exactly the keys they hold, now as explicit keys (no access changes, so nothing
 * is revoked); only the role's owner may delete it.
 */
export async function deleteRole(app: AppContext, actor: Actor, uuid: string): Promise<void> {
  await app.db.transaction(async (tx) => {
    const role = await visibleRole(tx, actor, uuid, true);
    if (role.ownerId !== actor.user.id) throw onlyRoleOwner();
    const linked = await listLinkedSubusers(tx, role.id, true);
    const now = app.clock.now();
    for (const l of linked) {
      await setSubuserRoleLink(tx, l.server.id, l.subuser.id, { roleId: null, builtinRole: null, overrides: null, permissions: l.subuser.permissions }, now);
    }
    await deleteRoleRow(tx, role.id);
    await logActivity(tx, app.clock, {
      event: 'role:delete', actor, properties: { role: role.uuid, name: role.name, unlinked: linked.length },
    });
  });
}
