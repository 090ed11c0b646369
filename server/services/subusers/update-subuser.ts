import { setSubuserRoleLink } from '@db/repositories/roles';
import { findSubuserByUserUuid } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { cannotEditSelf, permissionsNotHeld, unknownPermissions } from './errors';
import { decideUpdate, unknownKeys } from './grant-rule';
import type { CreatedSubuser } from './create-subuser';
import { revoke } from './notify';

/**
 * Changes a subuser's keys (DESIGN §4). Only the keys that change are checked against the granter, so keys the
 * granter lacks keep their stored value; removing one is refused like adding one. The row is locked while the
 * change is decided, so two concurrent edits are judged one after the other.
 */
export async function updateSubuser(
  app: AppContext, actor: Actor, access: ServerAccess, userUuid: string, requested: readonly string[],
): Promise<CreatedSubuser> {
  if (userUuid === actor.user.uuid) throw cannotEditSelf();
  const unknown = unknownKeys(requested);
  if (unknown.length) throw unknownPermissions(unknown);

  const outcome = await app.db.transaction(async (tx) => {
    const found = await findSubuserByUserUuid(tx, access.server.id, userUuid, true);
    if (!found) throw notFound();
    const decision = decideUpdate(access.permissions, found.subuser.permissions, requested);
    if (decision.denied.length) throw permissionsNotHeld(decision.denied);
    const linked = found.subuser.roleId !== null || found.subuser.builtinRole !== null;
    if (!decision.added.length && !decision.removed.length && !linked) return { ...found, changed: false };
    const now = app.clock.now();
    // Explicit keys replace a role link (DESIGN §20: a row holds a role or explicit keys).
    await setSubuserRoleLink(tx, access.server.id, found.subuser.id, { roleId: null, builtinRole: null, overrides: null, permissions: decision.result }, now);
    await logActivity(tx, app.clock, {
      event: 'server:subuser.update', actor, serverId: access.server.id,
      properties: {
        email: found.user.email,
        old: [...found.subuser.permissions].sort(),
        new: [...decision.result].sort(),
        added: [...decision.added].sort(),
        revoked: [...decision.removed].sort(),
        ...(linked ? { unlinked_role: true } : {}),
      },
    });
    const subuser = { ...found.subuser, roleId: null, builtinRole: null, overrides: null, permissions: decision.result, updatedAt: now };
    return { user: found.user, subuser, changed: decision.added.length > 0 || decision.removed.length > 0 };
  });

  if (outcome.changed) await revoke(app, [outcome.user.uuid], access.server.uuid);
  return { user: outcome.user, subuser: outcome.subuser };
}
