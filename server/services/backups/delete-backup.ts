import { deleteBackupRow } from '@db/repositories/backups';
import type { AppContext } from '../../context';
import { badRequest } from '../../http/errors';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { backupOr404, daemonServerOf, requireKey } from './backup-access';

/**
 * `backup.delete`: a locked successful backup is refused (400, as Pterodactyl's BackupLockedException); a running
 * one too (its archive is still being written). The archive is removed inside the transaction, so a daemon that
 * cannot remove it leaves the row in place.
 */
export async function deleteBackup(app: AppContext, actor: Actor, access: ServerAccess, uuid: string): Promise<void> {
  requireKey(access, 'backup.delete');
  await app.db.transaction(async (tx) => {
    const backup = await backupOr404(tx, access.server.id, uuid, { lock: true });
    if (backup.isLocked && backup.isSuccessful) throw badRequest('Cannot delete a backup that is marked as locked.');
    if (!backup.completedAt) throw badRequest('This backup is still running and cannot be deleted yet.');
    await deleteBackupRow(tx, backup.id);
    await logActivity(tx, app.clock, {
      event: 'server:backup.delete', actor, serverId: access.server.id,
      properties: { uuid: backup.uuid, name: backup.name, failed: !backup.isSuccessful },
    });
    await app.daemon.deleteBackup(daemonServerOf(access.server), backup.uuid);
  });
}
