import { serversOwnedBy } from '@db/repositories/admin-users';
import { setRolesOfUser } from '@db/repositories/admin-roles';
import { bumpSessionEpoch, lockUser, updateUser } from '@db/repositories/users';
import type { AppContext } from '../../../context';
import { forbidden, notFound } from '../../../http/errors';
import type { Actor } from '../../../http/types';
import { enqueueJob } from '../../../jobs/enqueue';
import { logAdminAction } from '../audit';
import { keepOneSuperAdmin } from '../super-admin-rule';
import { SERVER_CLEANUP_JOB } from './server-cleanup-job';

/**
 * Soft-deletes an account (DESIGN §21): hidden and unable to sign in at once (status `deleted`, sessions ended, keys
 * refused, sockets and SFTP closed); each server it owns is suspended at once and queued for a cleanup job on the
 * runner (stop, databases, allocations, files), listed on the Tasks page. Never oneself; never the last super-admin.
 */
export async function deleteAdminUser(app: AppContext, actor: Actor, userId: number): Promise<{ jobs: number[] }> {
  const out = await app.db.transaction(async (tx) => {
    const user = await lockUser(tx, userId);
    if (!user || user.status === 'deleted') throw notFound();
    if (user.id === actor.user.id) throw forbidden('You cannot delete your own account.');
    await keepOneSuperAdmin(tx, user);
    const now = app.clock.now();
    await updateUser(tx, user.id, { status: 'deleted', deletedAt: now, updatedAt: now });
    await bumpSessionEpoch(tx, user.id, now);
    await setRolesOfUser(tx, user.id, [], now);
    const owned = await serversOwnedBy(tx, user.id);
    const jobs: number[] = [];
    for (const server of owned) {
      const id = await enqueueJob(tx, {
        kind: SERVER_CLEANUP_JOB, payload: { serverId: server.id, userId: user.id }, dedupeKey: `server-cleanup:${server.id}`, now,
      });
      if (id !== null) jobs.push(id);
    }
    await logAdminAction(tx, app.clock, actor, 'user.delete', {
      user: user.uuid, email: user.email, servers: owned.map((s) => s.uuid), jobs,
      old: { status: user.status }, new: { status: 'deleted' },
    });
    return { uuid: user.uuid, jobs, servers: owned };
  });
  await app.bus.publish({ userUuid: out.uuid, serverUuid: null });
  return { jobs: out.jobs };
}
