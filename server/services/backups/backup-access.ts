import type { DaemonServer } from '@bridge/daemon';
import { findServerBackup } from '@db/repositories/backups';
import type { Executor } from '@db/client';
import type { BackupRow } from '@db/schema/backups';
import type { ServerRow } from '@db/schema/servers';
import { notFound } from '../../http/errors';

export { requireKey } from '../files/file-access';

export const daemonServerOf = (server: Pick<ServerRow, 'uuid' | 'startupCommand' | 'nodeId'>): DaemonServer =>
  ({ uuid: server.uuid, startupCommand: server.startupCommand, nodeId: server.nodeId });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A backup of this server by uuid; another server's backup (or a malformed uuid) is simply not found. */
export async function backupOr404(db: Executor, serverId: number, uuid: string, opts: { lock?: boolean } = {}): Promise<BackupRow> {
  const row = UUID.test(uuid) ? await findServerBackup(db, serverId, uuid.toLowerCase(), opts) : null;
  if (!row) throw notFound();
  return row;
}

/** Pterodactyl's default name: "Backup at YYYY-MM-DD HH:MM:SS" (UTC). */
export function defaultBackupName(now: Date): string {
  return `Backup at ${now.toISOString().slice(0, 19).replace('T', ' ')}`;
}

/** `ignored` as Pterodactyl stores it: one pattern per line, blank lines dropped. */
export function ignoredLines(ignored: string | undefined | null): string[] {
  return (ignored ?? '').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}
