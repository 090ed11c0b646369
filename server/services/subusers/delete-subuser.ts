import { countOtherMemberships, deleteSubuserRow, findSubuserByUserUuid, handOverInviteToken } from '@db/repositories/subusers';
import { deleteUserRow } from '@db/repositories/users';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { cannotEditSelf } from './errors';
import { revoke } from './notify';

/**
 * Removes a subuser (DESIGN §4). Removing an invited row revokes its link; the pending account goes too when it
 * belongs to no other server, so an abandoned invite leaves nothing behind.
 */
export async function deleteSubuser(app: AppContext, actor: Actor, access: ServerAccess, userUuid: string): Promise<void> {
  if (userUuid === actor.user.uuid) throw cannotEditSelf();
  const user = await app.db.transaction(async (tx) => {
    const found = await findSubuserByUserUuid(tx, access.server.id, userUuid, true);
    if (!found) throw notFound();
    await deleteSubuserRow(tx, access.server.id, found.subuser.id);
    const dropAccount = found.user.status === 'pending' && (await countOtherMemberships(tx, found.user.id, access.server.id)) === 0;
    if (dropAccount) await deleteUserRow(tx, found.user.id);
    else if (found.subuser.status === 'invited' && found.subuser.inviteTokenHash) {
      await handOverInviteToken(tx, found.user.id, found.subuser.inviteTokenHash, found.subuser.inviteExpiresAt, app.clock.now());
    }
    await logActivity(tx, app.clock, {
      event: 'server:subuser.delete', actor, serverId: access.server.id,
      properties: { email: found.user.email, invited: found.subuser.status === 'invited', account_removed: dropAccount },
    });
    return found.user;
  });
  await revoke(app, [user.uuid], access.server.uuid);
}
