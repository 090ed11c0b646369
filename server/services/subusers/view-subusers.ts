import { findSubuserByUserUuid, listSubusersWithUsers, type SubuserWithUser } from '@db/repositories/subusers';
import type { AppContext } from '../../context';
import { notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { cannotEditSelf } from './errors';

/** Every subuser of the server, invited ones included (the Users tab shows them as awaiting confirmation). */
export function listSubusers(app: AppContext, access: ServerAccess): Promise<SubuserWithUser[]> {
  return listSubusersWithUsers(app.db, access.server.id);
}

/** One subuser, for the edit form: nobody opens their own row for editing. */
export async function getSubuser(app: AppContext, actor: Actor, access: ServerAccess, userUuid: string): Promise<SubuserWithUser> {
  if (userUuid === actor.user.uuid) throw cannotEditSelf();
  const found = await findSubuserByUserUuid(app.db, access.server.id, userUuid);
  if (!found) throw notFound();
  return found;
}
