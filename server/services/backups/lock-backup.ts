import { setBackupLocked } from '@db/repositories/backups';
import type { BackupRow } from '@db/schema/backups';
import type { AppContext } from '../../context';
import type { Actor, ServerAccess } from '../../http/types';
import { logActivity } from '../activity';
import { backupOr404, requireKey } from './backup-access';

/** `backup.delete` (POST /backups/{uuid}/lock): toggles the lock, as Pterodactyl; locked successful backups cannot be deleted. */
export async function toggleBackupLock(app: AppContext, actor: Actor, access: ServerAccess, uuid: string): Promise<BackupRow> {
  requireKey(access, 'backup.delete');
  return app.db.transaction(async (tx) => {
    const backup = await backupOr404(tx, access.server.id, uuid, { lock: true });
    const isLocked = !backup.isLocked;
    await setBackupLocked(tx, backup.id, isLocked, app.clock.now());
    await logActivity(tx, app.clock, {
      event: isLocked ? 'server:backup.lock' : 'server:backup.unlock', actor, serverId: access.server.id,
      properties: { uuid: backup.uuid, name: backup.name },
    });
    return { ...backup, isLocked };
  });
}
