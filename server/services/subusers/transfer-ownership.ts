import { ALWAYS_GRANTED } from '@contracts/permissions';
import { ASSIGNABLE_KEYS } from '@contracts/presets';
import { unlinkOwnedRolesOnServer } from '@db/repositories/roles';
import { lockServer, setServerOwner } from '@db/repositories/servers';
import { deleteSubuserRow, findSubuser, insertSubuser } from '@db/repositories/subusers';
import { findUserByEmail, findUserById } from '@db/repositories/users';
import type { AppContext } from '../../context';
import { notFound, validationError } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { revoke } from './notify';

/**
 * Hands the server to another existing, active account. The old owner stays as a subuser holding every assignable
 * key (and may leave); the new owner's subuser row, if any, goes. One transaction, one activity row, then both
 * users' live access is re-evaluated.
 */
export async function transferOwnership(app: AppContext, actor: Actor, access: ServerAccess, email: string): Promise<void> {
  const target = await findUserByEmail(app.db, email);
  if (!target || target.status !== 'active' || target.suspended) throw validationError('email', 'No active account exists with that email address.', 'exists');
  if (target.id === access.server.ownerId) throw validationError('email', 'That account already owns this server.', 'different');

  const previousOwner = await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server) throw notFound();
    if (server.ownerId !== access.server.ownerId) throw validationError('email', 'The owner of this server changed meanwhile.', 'stale');
    const oldOwner = await findUserById(tx, server.ownerId);
    if (!oldOwner) throw notFound();
    const now = app.clock.now();
    const existing = await findSubuser(tx, server.id, target.id);
    if (existing) await deleteSubuserRow(tx, server.id, existing.id);
    await setServerOwner(tx, server.id, target.id, now);
    // The old owner's roles stop applying here; their subusers keep the keys they hold (DESIGN §20).
    await unlinkOwnedRolesOnServer(tx, server.id, now);
    await insertSubuser(tx, {
      serverId: server.id, userId: oldOwner.id, permissions: [ALWAYS_GRANTED, ...ASSIGNABLE_KEYS], status: 'active',
      createdAt: now, updatedAt: now,
    });
    await logActivity(tx, app.clock, {
      event: 'server:ownership.transfer', actor, serverId: server.id,
      properties: { old_owner: oldOwner.email, new_owner: target.email, was_subuser: existing !== null },
    });
    return oldOwner;
  });
  await revoke(app, [previousOwner.uuid, target.uuid], access.server.uuid);
}
