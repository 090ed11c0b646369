import { bumpSessionEpoch, lockUser, updateUser } from '@db/repositories/users';
import type { UserRow } from '@db/schema/users';
import type { AppContext } from '../../../context';
import { forbidden, notFound } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { logAdminAction } from '../audit';
import { keepOneSuperAdmin } from '../super-admin-rule';

/**
 * Suspends or reinstates an account (DESIGN §21). Suspension bumps the session epoch and every request re-reads the
 * user, so sessions and API keys stop at their next request; a revocation on every server ends sockets and SFTP
 * sessions at once. Sign-in then answers "Your account has been suspended.". Never oneself; never the last
 * super-admin.
 */
export async function suspendAdminUser(app: AppContext, actor: Actor, userId: number, suspended: boolean): Promise<UserRow> {
  const user = await app.db.transaction(async (tx) => {
    const found = await lockUser(tx, userId);
    if (!found || found.status === 'deleted') throw notFound();
    if (found.id === actor.user.id) throw forbidden('You cannot suspend your own account.');
    if (found.suspended === suspended) return found;
    if (suspended) await keepOneSuperAdmin(tx, found);
    const now = app.clock.now();
    await updateUser(tx, found.id, { suspended, updatedAt: now });
    if (suspended) await bumpSessionEpoch(tx, found.id, now);
    await logAdminAction(tx, app.clock, actor, suspended ? 'user.suspend' : 'user.unsuspend', {
      user: found.uuid, email: found.email, old: { suspended: found.suspended }, new: { suspended },
    });
    return { ...found, suspended };
  });
  await app.bus.publish({ userUuid: user.uuid, serverUuid: null });
  return user;
}
