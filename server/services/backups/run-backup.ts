import type { BackupResult } from '@bridge/daemon';
import { completeBackup, findServerBackup } from '@db/repositories/backups';
import type { BackupRow } from '@db/schema/backups';
import type { ServerRow } from '@db/schema/servers';
import type { AppContext } from '../../context';
import { logActivity } from '../activity';
import { daemonServerOf } from './backup-access';

/**
 * Backups and restores under way on this panel instance, so tests and shutdown can wait for them. Keyed by the
 * AppContext (as the spent file-link ids are): no state shared between panels in one process.
 */
const running = new WeakMap<AppContext, Set<Promise<void>>>();

export function track(app: AppContext, work: Promise<void>): void {
  let set = running.get(app);
  if (!set) running.set(app, (set = new Set()));
  const p = work.catch((err: unknown) => app.logger.error({ err }, 'backup work failed')).finally(() => set.delete(p));
  set.add(p);
}

/** Resolves once every backup and restore started on this panel so far has finished (tests; shutdown). */
export async function settleBackupWork(app: AppContext): Promise<void> {
  for (;;) {
    const set = running.get(app);
    if (!set?.size) return;
    await Promise.all([...set]);
  }
}

/**
 * Runs the daemon's backup for a row just committed as running, then records the outcome (one transaction with
 * its activity row, as Pterodactyl's daemon callback does, without an actor), then tells the sockets.
 */
export function launchBackup(app: AppContext, server: ServerRow, backup: BackupRow): void {
  track(app, runBackup(app, server, backup));
}

async function runBackup(app: AppContext, server: ServerRow, backup: BackupRow): Promise<void> {
  const ds = daemonServerOf(server);
  let result: BackupResult | null = null;
  let failure: string | null = null;
  try {
    result = await app.daemon.backup(ds, { uuid: backup.uuid, ignored: backup.ignoredFiles },
      (bytes) => app.daemon.publish(ds, { type: 'backup progress', data: { uuid: backup.uuid, bytes } }));
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err);
    app.logger.warn({ err, backup: backup.uuid }, 'backup failed');
  }
  const checksum = result ? `sha1:${result.checksum}` : null;
  const recorded = await app.db.transaction(async (tx) => {
    // A Wings node also reports the end to the remote API (remote-backups.ts): whichever comes first records it.
    const current = await findServerBackup(tx, server.id, backup.uuid, { lock: true });
    if (!current || current.completedAt) return false;
    await completeBackup(tx, backup.id, { isSuccessful: result !== null, checksum, bytes: result?.bytes ?? 0 }, app.clock.now());
    await logActivity(tx, app.clock, {
      event: result ? 'server:backup.complete' : 'server:backup.fail', actor: null, serverId: server.id,
      properties: { uuid: backup.uuid, name: backup.name, ...(result ? { checksum, bytes: result.bytes } : { error: failure?.slice(0, 300) }) },
    });
    return true;
  });
  if (!recorded) return;
  if (!result) await app.daemon.deleteBackup(ds, backup.uuid).catch(() => undefined);
  app.daemon.publish(ds, {
    type: 'backup completed',
    data: { uuid: backup.uuid, is_successful: result !== null, checksum: result?.checksum ?? '', checksum_type: 'sha1', file_size: result?.bytes ?? 0 },
  });
}
