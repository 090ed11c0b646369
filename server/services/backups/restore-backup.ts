import { setServerStatus } from '@db/repositories/backups';
import { lockServer } from '@db/repositories/servers';
import type { BackupRow } from '@db/schema/backups';
import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { badRequest, notFound } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { backupOr404, daemonServerOf, requireKey } from './backup-access';
import { track } from './run-backup';

/**
 * `backup.restore` (204): the server goes `restoring_backup` in the same transaction as the activity row — its
 * other routes answer 409 until the daemon is done — then the daemon restores (stopping the server first). The
 * outcome clears the status with `server:backup.restore-complete` or `restore-failed` and `backup restore completed`
 * on the socket; a crash meanwhile is recovered at the next start (recover-backups.ts).
 */
export async function restoreBackup(app: AppContext, actor: Actor, access: ServerAccess, uuid: string, truncate: boolean): Promise<void> {
  requireKey(access, 'backup.restore');
  await app.throttles.hit('backup.restore', access.server.id);
  const { server, backup } = await app.db.transaction(async (tx) => {
    const server = await lockServer(tx, access.server.id);
    if (!server) throw notFound();
    if (server.status !== null) throw badRequest('This server is not currently in a state that allows for a backup to be restored.');
    const backup = await backupOr404(tx, server.id, uuid);
    if (!backup.isSuccessful || !backup.completedAt) throw badRequest('This backup cannot be restored at this time: not completed or failed.');
    await setServerStatus(tx, server.id, 'restoring_backup', app.clock.now());
    await logActivity(tx, app.clock, {
      event: 'server:backup.restore', actor, serverId: server.id, properties: { uuid: backup.uuid, name: backup.name, truncate },
    });
    return { server, backup };
  });
  track(app, runRestore(app, server, backup, truncate));
}

async function runRestore(app: AppContext, server: ServerRow, backup: BackupRow, truncate: boolean): Promise<void> {
  const ds = daemonServerOf(server);
  let failure: string | null = null;
  try {
    await app.daemon.restore(ds, backup.uuid, { truncate });
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    app.logger.warn({ err, backup: backup.uuid }, 'restore failed');
  }
  const recorded = await app.db.transaction(async (tx) => {
    // A Wings node also reports the end to the remote API (remote-backups.ts): whichever comes first records it.
    if ((await lockServer(tx, server.id))?.status !== 'restoring_backup') return false;
    await setServerStatus(tx, server.id, null, app.clock.now(), 'restoring_backup');
    await logActivity(tx, app.clock, {
      event: failure ? 'server:backup.restore-failed' : 'server:backup.restore-complete', actor: null, serverId: server.id,
      properties: { uuid: backup.uuid, name: backup.name, truncate, ...(failure ? { error: failure.slice(0, 300) } : {}) },
    });
    return true;
  });
  if (!recorded) return;
  app.daemon.publish(ds, { type: 'backup restore completed', data: { uuid: backup.uuid, is_successful: failure === null } });
}
