import { deleteSubuserRow, findSubuserByUserUuid } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { revoke } from './notify';

/** A subuser removes themselves from the server (the one way to drop one's own row). */
export async function leaveServer(app: AppContext, actor: Actor, access: ServerAccess): Promise<void> {
  await app.db.transaction(async (tx) => {
    const found = await findSubuserByUserUuid(tx, access.server.id, actor.user.uuid, true);
    if (!found) throw notFound();
    await deleteSubuserRow(tx, access.server.id, found.subuser.id);
    await logActivity(tx, app.clock, {
      event: 'server:subuser.leave', actor, serverId: access.server.id, properties: { email: actor.user.email },
    });
  });
  await revoke(app, [actor.user.uuid], access.server.uuid);
}
