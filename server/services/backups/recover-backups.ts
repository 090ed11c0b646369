import { completeBackup, runningBackups, serversInStatus, setServerStatus } from '@db/repositories/backups';
import type { AppContext } from '../../context';
import { logActivity } from '../activity';
import { daemonServerOf } from './backup-access';

/**
 * The boot-time recovery hook (DESIGN §13): backups still marked running and servers still `restoring_backup` were
 * interrupted by a crash of this panel (the LocalDaemon's work dies with it). Backups become failed
 * (`server:backup.fail`, their partial archive removed); servers become usable again
 * (`server:backup.restore-failed`): never a half state presented as good. Call before serving requests.
 */
export async function recoverInterruptedBackups(app: AppContext): Promise<{ backups: number; servers: number }> {
  const now = app.clock.now();
  const { failed, servers } = await app.db.transaction(async (tx) => {
    const failed = await runningBackups(tx);
    for (const { backup, server } of failed) {
      await completeBackup(tx, backup.id, { isSuccessful: false, checksum: null, bytes: 0 }, now);
      await logActivity(tx, app.clock, {
        event: 'server:backup.fail', actor: null, serverId: server.id,
        properties: { uuid: backup.uuid, name: backup.name, error: 'interrupted: the panel stopped while the backup ran' },
      });
    }
    const servers = await serversInStatus(tx, 'restoring_backup');
    for (const server of servers) {
      await setServerStatus(tx, server.id, null, now, 'restoring_backup');
      await logActivity(tx, app.clock, {
        event: 'server:backup.restore-failed', actor: null, serverId: server.id,
        properties: { error: 'interrupted: the panel stopped while the restore ran' },
      });
    }
    return { failed, servers };
  });
  for (const { backup, server } of failed) {
    await app.daemon.deleteBackup(daemonServerOf(server), backup.uuid).catch((err: unknown) => app.logger.warn({ err }, 'partial backup not removed'));
  }
  if (failed.length || servers.length) app.logger.warn({ backups: failed.length, servers: servers.length }, 'recovered interrupted backups and restores');
  return { backups: failed.length, servers: servers.length };
}
